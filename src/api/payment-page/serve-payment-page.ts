import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../modules/waas"
import type WaasModuleService from "../../modules/waas/service"
import { qrSvg, renderNotFoundPage, renderPaymentPage } from "./render-page"
import { setPageHeaders } from "./security-headers"

/** A Medusa payment session id (`payses_<ulid>`): bounded and plain before any lookup. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,100}$/

/**
 * The hosted payment page: `GET <paymentPage.path>/<session id>` (HTML) and `…/<session id>/status` (the
 * same page model as JSON, which the page polls). A middleware rather than a route file because the path
 * is an option; every other request passes straight on.
 *
 * It shows exactly the payment view the store route `GET /store/waas/payments/:session_id` returns (the
 * same allow-list: no uid, email, app id, key, binding, nor anything of the order or the shopper), so the
 * session id in the URL reveals nothing that route does not. No publishable key is needed: the page is a
 * link the store hands the shopper.
 */
export async function servePaymentPage(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") return next()
  let waas: WaasModuleService | undefined
  try {
    waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  } catch {
    return next()
  }
  const page = waas.paymentPage()
  const { enabled, path, pollIntervalSeconds } = page.options
  if (!enabled || !req.path.startsWith(`${path}/`)) return next()

  const [sessionId, sub, ...extra] = req.path.slice(path.length + 1).split("/")
  const wantsStatus = sub === "status" && extra.length === 0
  if (!SESSION_ID.test(sessionId) || extra.length > 0 || (sub !== undefined && !wantsStatus)) return next()

  const model = await page.modelFor(sessionId)
  if (wantsStatus) {
    setPageHeaders(res, "application/json; charset=utf-8")
    if (!model) {
      res.status(404).send(JSON.stringify({ type: "not_found", message: `No crypto payment exists for payment session ${sessionId}` }))
      return
    }
    res.status(200).send(JSON.stringify({ page: model, qr_svg: model.pay_uri ? await qrSvg(model.pay_uri) : null }))
    return
  }
  setPageHeaders(res, "text/html; charset=utf-8")
  if (!model) {
    res.status(404).send(renderNotFoundPage(page.strings()))
    return
  }
  const html = await renderPaymentPage(model, page.strings(), {
    // relative to the page itself, so the page works behind a proxy that mounts the store under a prefix
    statusUrl: `${encodeURIComponent(sessionId)}/status`,
    pollMs: pollIntervalSeconds * 1000,
  })
  res.status(200).send(html)
}
