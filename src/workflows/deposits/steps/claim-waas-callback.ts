import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type { ClaimedCallback } from "../../../modules/waas/callbacks/inbox-sql"
import type WaasModuleService from "../../../modules/waas/service"

/**
 * Takes the inbox row's processing lease, so the five copies of a duplicated callback do not all pull
 * the same deposit at once (they would still credit it once: the lease saves WaaS traffic, the ledger's
 * unique index guarantees the money). null when the row is not pending or another processor holds it.
 * Compensation gives the lease back, so a failed run is retried at once instead of after the lease.
 */
export const claimWaasCallbackStep = createStep(
  "waas-claim-callback",
  async (input: { inbox_id: string }, { container }) => {
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    // deposit rows only: withdrawal notifications wait in the inbox for the withdrawal flow
    const claimed = await waas.claimCallback(input.inbox_id, "deposit")
    return new StepResponse<ClaimedCallback | null, string | null>(claimed, claimed ? claimed.id : null)
  },
  async (claimedId, { container }) => {
    if (!claimedId) return
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    await waas.releaseCallback(claimedId, null)
  },
)
