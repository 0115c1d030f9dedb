import QRCode from "qrcode"
import type { PaymentPageModel, PageState } from "../../modules/waas/checkout/payment-page/page-model"
import type { PaymentPageStrings } from "../../modules/waas/checkout/payment-page/page-strings"
import { PAGE_SCRIPT } from "./page-script"
import { PAGE_STYLE } from "./page-style"

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])

/** JSON safe inside a <script type="application/json"> block: no "</script>", no HTML comment openers. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026")

/** The QR code of `uri` as an SVG element (generated here, on the server: no script, no request). */
export function qrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 4, color: { dark: "#000000", light: "#ffffff" } })
}

/** Sections shown only in some states; the script toggles them with the same lists. */
const PAYABLE: PageState[] = ["awaiting", "underpaid", "reversed"]
const SHOW_ADDRESS: PageState[] = ["awaiting", "detected", "underpaid", "reversed", "late"]

function section(states: PageState[], state: PageState, inner: string, tag = "div", attrs = ""): string {
  const hidden = states.includes(state) ? "" : " hidden"
  return `<${tag} data-show="${states.join(" ")}"${attrs}${hidden}>${inner}</${tag}>`
}

function field(name: keyof PaymentPageModel, model: PaymentPageModel, cls = ""): string {
  const value = model[name]
  return `<span data-field="${name}"${cls ? ` class="${cls}"` : ""}>${escapeHtml(value === null ? "" : String(value))}</span>`
}

/** hidden when the model's value is null, "", "0" or false (the script applies the same rule) */
function when(name: keyof PaymentPageModel, model: PaymentPageModel, inner: string, tag = "div", cls = ""): string {
  const v = model[name]
  const hidden = v === null || v === "" || v === "0" || v === false ? " hidden" : ""
  return `<${tag} data-if="${name}"${cls ? ` class="${cls}"` : ""}${hidden}>${inner}</${tag}>`
}

export type PageRender = { html: string; scriptHashSource: string; styleHashSource: string }

/**
 * The whole page for one payment: everything a shopper needs is in the first response (it reads without
 * JavaScript); the inline script then keeps it live. Every value from the model is escaped.
 */
export async function renderPaymentPage(
  model: PaymentPageModel,
  strings: PaymentPageStrings,
  opts: { statusUrl: string; pollMs: number },
): Promise<string> {
  const s = (key: keyof PaymentPageStrings) => escapeHtml(strings[key])
  const qr = model.pay_uri ? await qrSvg(model.pay_uri) : ""
  const state = model.state
  const copy = (name: string) => `<button type="button" data-copy="${name}">${s("copy")}</button>`
  const backLabel = state === "expired" ? strings.return_expired : strings.return_paid
  const config = {
    status_url: opts.statusUrl,
    poll_ms: opts.pollMs,
    model,
    labels: {
      copy: strings.copy,
      copied: strings.copied,
      return_paid: strings.return_paid,
      return_expired: strings.return_expired,
      expired_countdown: strings.expired_countdown,
    },
  }

  const pay = [
    `<div class="row"><span class="label">${s("label_amount")}</span><div class="value"><span class="text amount">` +
      `${field("amount_to_send", model)} ${field("symbol", model)}</span>${copy("amount_to_send")}</div></div>`,
    `<div class="qr" id="waas-qr" role="img" aria-label="${s("label_qr")}">${qr}</div>`,
    section(["awaiting"], state, `${s("label_expires")} <strong id="waas-countdown"></strong>`, "p", ' class="countdown"'),
  ].join("")

  const address = [
    `<div class="row"><span class="label">${s("label_address")}</span><div class="value">` +
      `${field("address", model, "text mono")}${copy("address")}</div></div>`,
    when("memo", model, `<span class="label">${s("label_memo")}</span><div class="value">${field("memo", model, "text mono")}${copy("memo")}</div>`, "div", "row"),
  ].join("")

  const figures =
    `<dl class="figures"><dt>${s("label_coin")}</dt><dd>${field("coin_name", model)}</dd>` +
    `<dt>${s("label_network")}</dt><dd>${field("network", model)}</dd>` +
    `<dt>${s("label_due")}</dt><dd>${field("amount_due", model)} ${field("symbol", model)}</dd>` +
    `<dt>${s("label_received")}</dt><dd>${field("amount_received", model)} ${field("symbol", model)}</dd>` +
    `<dt>${s("label_pending")}</dt><dd>${field("amount_pending", model)} ${field("symbol", model)}</dd></dl>`

  return `<!doctype html>
<html lang="${s("lang")}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex,nofollow">
<title>${s("title")}</title>
<style>${PAGE_STYLE}</style>
</head>
<body data-state="${state}">
<main><div class="card">
<p class="coin">${field("coin_name", model)} · ${field("network", model)}</p>
<div class="state" role="status" aria-live="polite"><h1 data-field="headline">${escapeHtml(model.headline)}</h1>
<p class="detail" data-field="detail">${escapeHtml(model.detail)}</p></div>
${section(PAYABLE, state, pay, "section", ' class="pay"')}
${section(SHOW_ADDRESS, state, address, "section", ' class="address"')}
${figures}
<a id="waas-return" class="return" href="${escapeHtml(model.return_url ?? "#")}"${model.return_url ? "" : " hidden"}>${escapeHtml(backLabel)}</a>
<a id="waas-explorer" class="explorer" rel="noopener noreferrer" target="_blank" href="${escapeHtml(model.explorer_url ?? "#")}"${model.explorer_url ? "" : " hidden"}>${s("explorer")}</a>
</div></main>
<script type="application/json" id="waas-page-config">${scriptJson(config)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>`
}

/** The page for an unknown session (404): the same look, no payment data, no script. */
export function renderNotFoundPage(strings: PaymentPageStrings): string {
  const s = (key: keyof PaymentPageStrings) => escapeHtml(strings[key])
  return `<!doctype html>
<html lang="${s("lang")}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><title>${s("not_found_title")}</title><style>${PAGE_STYLE}</style></head>
<body data-state="canceled"><main><div class="card"><div class="state"><h1>${s("not_found_title")}</h1>
<p class="detail">${s("not_found_detail")}</p></div></div></main></body></html>`
}
