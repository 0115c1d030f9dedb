import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { DepositApplication } from "../../../modules/waas/deposits/apply-deposit"
import { DepositEvents } from "../../../modules/waas/deposits/outcome"
import { emitDepositEvents } from "../actions/emit-events"

/** The deposit events of an application (actions/emit-events.ts), as a step. Nothing to compensate: it is the last step. */
export const emitDepositEventsStep = createStep(
  "waas-emit-deposit-events",
  async (input: { application: DepositApplication | null }, { container }) => {
    return new StepResponse<string[]>(await emitDepositEvents(container, input.application))
  },
)

export { DepositEvents }
