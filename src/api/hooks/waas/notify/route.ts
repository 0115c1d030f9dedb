import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import type { IEventBusModuleService, Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../modules/waas"
import { DepositEvents } from "../../../../modules/waas/deposits/outcome"
import type WaasModuleService from "../../../../modules/waas/service"
import { ingestionGaugeOf } from "../../../../workflows/callbacks/ingestion-first"
import { CallbackRejection, readNotification } from "./read-notification"

/**
 * `POST /hooks/waas/notify`: the WaaS's deposit and withdrawal notifications (protocol §3.2, §3.3).
 *
 * Medusa's own /hooks/payment/... answers 200 before verifying anything, which the WaaS would read as
 * "delivered" and never retry. This route answers the 7-byte `SUCCESS` only once the notification is
 * authentic, well-formed and DURABLY recorded in the callback inbox; a forged or malformed one gets a 4xx
 * and changes nothing; a failure to record (database down) gets 503 `FAILURE`, so the WaaS retries
 * (1 s, 2 min, 8 min, 32 min, 128 min). Processing happens after the answer: the recorded event wakes a
 * subscriber, and the deposit poller sweeps up whatever that misses.
 */
export const AUTHENTICATE = false

function answer(res: MedusaResponse, status: number, body: "SUCCESS" | "FAILURE"): void {
  res.status(status).type("text/plain").send(body)
}

export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  // processing on this instance steps back until the notification is recorded (ingestion-first.ts)
  const recordingDone = ingestionGaugeOf(req.scope).arrived()
  try {
    await receive(req, res, recordingDone)
  } finally {
    recordingDone()
  }
}

async function receive(req: MedusaRequest, res: MedusaResponse, recordingDone: () => void): Promise<void> {
  const logger = req.scope.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)

  let notification
  try {
    notification = readNotification({ rawBody: req.rawBody, body: req.body, query: req.query }, waas.getCallbackCheck())
  } catch (e) {
    if (!(e instanceof CallbackRejection)) throw e
    // what and why, never the ciphertext, the payload or a key
    logger.warn(
      `medusa-plugin-waas: refused a WaaS notification from ${req.ip ?? "unknown"}: ${e.reason} (${e.message}); ` +
        `body ${req.rawBody?.length ?? 0} bytes`,
    )
    answer(res, e.httpStatus, "FAILURE")
    // counted for the admin's Health tab, after the answer (the WaaS waits on it, the count does not)
    await waas
      .health()
      .recordRefusal({ route: "notify", reason: e.reason, http_status: e.httpStatus, body_bytes: req.rawBody?.length ?? 0 })
      .catch((err: Error) => logger.warn(`medusa-plugin-waas: a refused notification was not counted (${err.message})`))
    return
  }

  let recorded
  try {
    recorded = await waas.recordCallback(notification)
  } catch (e) {
    const code = (e as { code?: unknown }).code
    logger.error(
      `medusa-plugin-waas: could not record the ${notification.side} notification for WaaS id ${notification.id} ` +
        `(${typeof code === "string" ? code : (e as Error).name}); answering FAILURE so the WaaS retries`,
    )
    return answer(res, 503, "FAILURE")
  }
  recordingDone()

  // Recorded: whatever happens from here, the WaaS must hear SUCCESS (the poller also picks the row up).
  try {
    const eventBus = req.scope.resolve<IEventBusModuleService>(Modules.EVENT_BUS)
    await eventBus.emit({
      name: DepositEvents.CALLBACK_RECORDED,
      data: { id: recorded.id, side: recorded.side, waas_id: recorded.waas_id },
    })
  } catch (e) {
    logger.warn(`medusa-plugin-waas: callback ${recorded.id} recorded but not announced (${(e as Error).message}); the poller will process it`)
  }
  answer(res, 200, "SUCCESS")
}
