import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import type { IEventBusModuleService, Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { openConfirmationRequest, WaasCallbackError, WaasCryptoError } from "../../../../protocol"
import { WAAS_MODULE } from "../../../../modules/waas"
import type WaasModuleService from "../../../../modules/waas/service"
import { WithdrawalEvents } from "../../../../modules/waas/withdrawals/withdrawal-events"
import { CallbackRejection, readCallbackForm } from "../notify/read-notification"

/**
 * `POST /hooks/waas/withdraw-confirm`: the WaaS's second confirmation of a withdrawal (protocol §3.4),
 * called synchronously inside its `withdraw` call, which waits on this answer. Decrypt with the WaaS
 * public key, check app_id, then one indexed read of our withdrawal by request_id: the sealed check_sum
 * is answered ONLY for a row being submitted whose uid, address, symbol and amount equal the request
 * (withdrawals/confirmation.ts). Everything else gets `FAILURE` (the WaaS then fails the withdraw with
 * 120206), is in the audit trail, and is announced as `waas.withdrawal.confirmation_denied` for alerting.
 * No WaaS call and no slow work here.
 */
export const AUTHENTICATE = false

function deny(res: MedusaResponse, status: number): void {
  res.status(status).type("text/plain").send("FAILURE")
}

export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const logger = req.scope.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  const check = waas.getCallbackCheck()

  let request
  try {
    request = openConfirmationRequest(readCallbackForm({ rawBody: req.rawBody, body: req.body, query: req.query }), {
      appId: check.appId,
      waasPublicKey: check.waasPublicKey,
    })
  } catch (e) {
    const refused = e instanceof WaasCryptoError || e instanceof WaasCallbackError || e instanceof CallbackRejection
    if (!refused) throw e
    logger.warn(`medusa-plugin-waas: refused a withdrawal confirmation request from ${req.ip ?? "unknown"}: ${e.message}`)
    const status = e instanceof WaasCryptoError ? 401 : e instanceof WaasCallbackError && e.reason === "wrong_app_id" ? 403 : 400
    deny(res, status)
    const reason = e instanceof WaasCryptoError ? "undecryptable" : e instanceof CallbackRejection || e instanceof WaasCallbackError ? e.reason : "refused"
    // counted for the admin's Health tab, after the answer: the WaaS waits on this route within seconds
    await waas
      .health()
      .recordRefusal({ route: "withdraw-confirm", reason: String(reason), http_status: status, body_bytes: req.rawBody?.length ?? 0 })
      .catch((err: Error) => logger.warn(`medusa-plugin-waas: a refused confirmation request was not counted (${err.message})`))
    return
  }

  const verdict = await waas.withdrawals().answerConfirmation(request)
  if (verdict.confirmed) {
    res.status(200).type(verdict.answer.contentType).send(verdict.answer.body)
    return
  }
  logger.warn(`medusa-plugin-waas: denied the WaaS's confirmation of withdrawal request ${request.request_id}: ${verdict.reason}`)
  deny(res, 403)
  // after the answer: the WaaS is waiting on it, an alert is not
  req.scope
    .resolve<IEventBusModuleService>(Modules.EVENT_BUS)
    .emit({
      name: WithdrawalEvents.CONFIRMATION_DENIED,
      data: { request_id: request.request_id, withdrawal_id: verdict.withdrawal_id, reason: verdict.reason },
    })
    .catch((e: Error) => logger.warn(`medusa-plugin-waas: could not announce a denied confirmation (${e.message})`))
}
