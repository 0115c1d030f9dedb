import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import { processWaasCallbackWorkflow } from "../workflows/process-callback"
import { failedOnWaasTransport } from "./workflow-errors"
import { workflowFailureText } from "./workflow-failure"

export interface CallbackProcessing {
  inbox_id: string
  /** false when nothing was pending for this row, or another processor held it */
  claimed: boolean
  outcome: string | null
  error: string | null
  /** the failure was the WaaS out of reach (not this callback's doing) */
  waas_unreachable?: boolean
}

/** a bound on re-runs for deliveries that keep arriving during processing; the poller takes over after */
const MAX_RUNS = 5
/** retries of a failed run (the WaaS briefly unreachable, a lock timeout), before leaving it to the poller */
const RETRY_DELAYS_MS = [250, 1_000, 4_000]

/**
 * Processes one recorded callback until nothing new is pending for it. Errors never escape: they are
 * written to the inbox row (last_error) and logged, and the row stays pending for the next attempt.
 * `retry` (the subscriber's default) retries a failed run a few times first; the poller and the admin
 * route pass false: the poller's next run is the retry, and an admin wants the answer now.
 */
export async function processRecordedCallback(
  container: MedusaContainer,
  inboxId: string,
  { retry = true }: { retry?: boolean } = {},
): Promise<CallbackProcessing> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  let last: CallbackProcessing = { inbox_id: inboxId, claimed: false, outcome: null, error: null }
  let failures = 0
  for (let run = 0; run < MAX_RUNS; run++) {
    const { result, errors } = await processWaasCallbackWorkflow(container).run({
      input: { inbox_id: inboxId },
      throwOnError: false,
    })
    if (errors.length > 0) {
      const message = workflowFailureText(errors)
      const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
      // the claim's compensation gave the lease back; retry a few times before the row is left pending for
      // the poller (the local event bus does not retry subscribers)
      if (retry && failures < RETRY_DELAYS_MS.length) {
        await waas.releaseCallback(inboxId, message).catch(() => undefined)
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[failures++]))
        run--
        continue
      }
      // given up for now: counted, and the poller's sweep tries it again on its backoff schedule, passing over
      // it until then instead of stopping behind it
      await waas.recordCallbackFailure(inboxId, message).catch(() => undefined)
      logger.warn(`medusa-plugin-waas: processing callback ${inboxId} failed (${message}); it stays pending and is retried with backoff`)
      return { inbox_id: inboxId, claimed: true, outcome: null, error: message, waas_unreachable: failedOnWaasTransport(errors) }
    }
    last = { inbox_id: inboxId, claimed: last.claimed || result.claimed, outcome: result.outcome ?? last.outcome, error: null }
    if (!result.claimed || !result.more) return last
  }
  return last
}
