import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type { ClaimedCallback } from "../../../modules/waas/callbacks/inbox-sql"
import type WaasModuleService from "../../../modules/waas/service"

/**
 * Takes the processing lease of a recorded withdraw notification and reads the request_id it names.
 * Compensation gives the lease back, so a failed run is retried at once.
 */
export const claimWithdrawalCallbackStep = createStep(
  "waas-claim-withdrawal-callback",
  async (input: { inbox_id: string }, { container }) => {
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    const claimed = await waas.claimCallback(input.inbox_id, "withdraw")
    const requestId = claimed ? await waas.withdrawals().requestIdOfCallback(claimed.id) : null
    return new StepResponse<{ claimed: ClaimedCallback | null; request_id: string | null }, string | null>(
      { claimed, request_id: requestId },
      claimed ? claimed.id : null,
    )
  },
  async (claimedId, { container }) => {
    if (!claimedId) return
    await container.resolve<WaasModuleService>(WAAS_MODULE).releaseCallback(claimedId, null)
  },
)
