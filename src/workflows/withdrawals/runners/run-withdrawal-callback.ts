import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import { processWithdrawalCallbackWorkflow } from "../workflows/process-withdrawal-callback"
import { workflowErrors } from "./errors"

const MAX_RUNS = 5
const RETRY_DELAYS_MS = [250, 1_000, 4_000]

/**
 * Processes one recorded withdraw notification until nothing new is pending for it (the same contract as
 * the deposit runner): errors go to the inbox row and the log, the row stays pending for the poller.
 */
export async function processRecordedWithdrawalCallback(
  container: MedusaContainer,
  inboxId: string,
  { retry = true }: { retry?: boolean } = {},
): Promise<{ claimed: boolean; outcome: string | null; error: string | null }> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  let last = { claimed: false, outcome: null as string | null, error: null as string | null }
  let failures = 0
  for (let run = 0; run < MAX_RUNS; run++) {
    const { result, errors } = await processWithdrawalCallbackWorkflow(container).run({ input: { inbox_id: inboxId }, throwOnError: false })
    if (errors.length > 0) {
      const message = workflowErrors(errors)
      await container.resolve<WaasModuleService>(WAAS_MODULE).releaseCallback(inboxId, message).catch(() => undefined)
      if (retry && failures < RETRY_DELAYS_MS.length) {
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[failures++]))
        run--
        continue
      }
      logger.warn(`medusa-plugin-waas: processing withdraw callback ${inboxId} failed (${message}); it stays pending`)
      return { claimed: true, outcome: null, error: message }
    }
    last = { claimed: last.claimed || result.claimed, outcome: result.outcome ?? last.outcome, error: null }
    if (!result.claimed || !result.more) return last
  }
  return last
}
