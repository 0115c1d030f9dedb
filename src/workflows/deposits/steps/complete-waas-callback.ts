import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type { ClaimedCallback } from "../../../modules/waas/callbacks/inbox-sql"
import type WaasModuleService from "../../../modules/waas/service"

/**
 * Marks the deliveries the run covered as processed. `more` is true when another delivery of the same
 * notification arrived during the run: the caller runs again (that delivery may carry a newer status).
 */
export const completeWaasCallbackStep = createStep(
  "waas-complete-callback",
  async (input: { claimed: ClaimedCallback | null; outcome: string }, { container }) => {
    if (!input.claimed) return new StepResponse({ more: false })
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    return new StepResponse(await waas.completeCallback(input.claimed.id, input.claimed.received_count, input.outcome))
  },
)
