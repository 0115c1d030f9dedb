import QRCode from "qrcode"
import { useEffect, useState, type ReactNode } from "react"
import { pageStateOf, type PageState } from "../modules/waas/checkout/payment-page/page-model"
import { PAYMENT_PAGE_STRINGS, type PaymentPageStrings } from "../modules/waas/checkout/payment-page/page-strings"
import { useCryptoPayment, type CryptoPaymentView, type UseCryptoPaymentInput } from "./use-crypto-payment"

export type PayWithCryptoProps = UseCryptoPaymentInput & {
  /** translations of any of the hosted page's strings (the same keys; page-strings.ts) */
  strings?: Partial<PaymentPageStrings>
  /** where "Back to the store" goes once paid (or expired); no link without it */
  returnUrl?: string
  /** called once when the payment becomes paid or overpaid */
  onPaid?: (payment: CryptoPaymentView) => void
  className?: string
}

const PAYABLE: PageState[] = ["awaiting", "underpaid", "reversed"]
const SHOW_ADDRESS: PageState[] = ["awaiting", "detected", "underpaid", "reversed", "late"]

/**
 * The payment step of a storefront's checkout, the same view and states as the hosted page: what to send,
 * the address and memo (with copy buttons), the QR code of what is still owed, the quote's countdown and the
 * live status. Unstyled apart from layout-neutral class names (`waas-pay`, `waas-pay__…`) and
 * `data-state` on the root for a store's CSS.
 */
export function PayWithCrypto({ strings: overrides, returnUrl, onPaid, className, ...input }: PayWithCryptoProps) {
  const { payment, error, clockSkewMs } = useCryptoPayment(input)
  const strings: PaymentPageStrings = { ...PAYMENT_PAGE_STRINGS, ...overrides }
  const qr = useQrSvg(payment?.remaining_payment_uri ?? null)
  const now = useNow(1000) + clockSkewMs
  const state = payment ? pageStateOf(payment) : null

  useEffect(() => {
    if (payment && onPaid && (payment.status === "paid" || payment.status === "overpaid")) onPaid(payment)
    // once per session reaching paid: the status, not the object, decides
  }, [payment?.session_id, payment?.status]) // eslint-disable-line react-hooks/exhaustive-deps

  if (!payment || !state) {
    return <div className={cx("waas-pay", className)} data-state="loading" role="status">{error ?? ""}</div>
  }
  const toSend = payment.remaining_payment_uri ? payment.amount_remaining : "0"
  const showBack = returnUrl && (state === "paid" || state === "overpaid" || state === "expired")

  return (
    <div className={cx("waas-pay", className)} data-state={state}>
      <p className="waas-pay__coin">{payment.symbol} · {payment.network}</p>
      <div className="waas-pay__state" role="status" aria-live="polite">
        <h2 data-field="headline">{strings[`headline_${state}`]}</h2>
        <p className="waas-pay__detail" data-field="detail">{strings[`detail_${state}`]}</p>
      </div>
      {PAYABLE.includes(state) && (
        <section className="waas-pay__pay">
          <Row label={strings.label_amount} copy={`${toSend}`} strings={strings}>
            <strong><span data-field="amount_to_send">{toSend}</span> {payment.symbol}</strong>
          </Row>
          {qr && <div className="waas-pay__qr" role="img" aria-label={strings.label_qr} style={{ maxWidth: 240 }} dangerouslySetInnerHTML={{ __html: qr }} />}
          {state === "awaiting" && (
            <p className="waas-pay__countdown">{strings.label_expires} <strong data-field="countdown">{countdown(Date.parse(payment.expires_at) - now, strings)}</strong></p>
          )}
        </section>
      )}
      {SHOW_ADDRESS.includes(state) && (
        <section className="waas-pay__address">
          <Row label={strings.label_address} copy={payment.address} strings={strings}>
            <code data-field="address">{payment.address}</code>
          </Row>
          {payment.memo && (
            <Row label={strings.label_memo} copy={payment.memo} strings={strings}>
              <code data-field="memo">{payment.memo}</code>
            </Row>
          )}
        </section>
      )}
      <dl className="waas-pay__figures">
        <dt>{strings.label_due}</dt><dd><span data-field="amount_due">{payment.amount_due}</span> {payment.symbol}</dd>
        <dt>{strings.label_received}</dt><dd><span data-field="amount_received">{payment.amount_received}</span> {payment.symbol}</dd>
        <dt>{strings.label_pending}</dt><dd><span data-field="amount_pending">{payment.amount_pending}</span> {payment.symbol}</dd>
      </dl>
      {showBack && <a className="waas-pay__return" href={returnUrl}>{state === "expired" ? strings.return_expired : strings.return_paid}</a>}
      {payment.explorer_url && <a className="waas-pay__explorer" href={payment.explorer_url} target="_blank" rel="noopener noreferrer">{strings.explorer}</a>}
    </div>
  )
}

function Row({ label, copy, strings, children }: { label: string; copy: string; strings: PaymentPageStrings; children: ReactNode }) {
  const [copied, setCopied] = useState(false)
  const onCopy = () => {
    void navigator.clipboard?.writeText(copy).then(() => {
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    })
  }
  return (
    <div className="waas-pay__row">
      <span className="waas-pay__label">{label}</span>
      <div className="waas-pay__value">
        {children}
        <button type="button" onClick={onCopy}>{copied ? strings.copied : strings.copy}</button>
      </div>
    </div>
  )
}

/** the QR code of `uri` as SVG markup (generated by `qrcode` in the browser: no image request) */
function useQrSvg(uri: string | null): string | null {
  const [svg, setSvg] = useState<{ uri: string; svg: string } | null>(null)
  useEffect(() => {
    let active = true
    if (uri) void QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 4 }).then((s) => active && setSvg({ uri, svg: s }))
    return () => {
      active = false
    }
  }, [uri])
  return uri && svg?.uri === uri ? svg.svg : null
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(t)
  }, [everyMs])
  return now
}

function countdown(leftMs: number, strings: PaymentPageStrings): string {
  if (leftMs <= 0) return strings.expired_countdown
  const s = Math.floor(leftMs / 1000)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const pad = (n: number) => String(n).padStart(2, "0")
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`
}

const cx = (...names: Array<string | undefined>) => names.filter(Boolean).join(" ")
