import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { DepositApplication } from "../../../modules/waas/deposits/application"
import { flagReversedMedusaPayment, type ReversalFlag, type WaasReversalFlag } from "../actions/flag-reversal"

export type { ReversalFlag, WaasReversalFlag }

/** Flags Medusa's payment behind a reversed deposit (actions/flag-reversal.ts), as a step. Nothing to compensate. */
export const flagReversedMedusaPaymentStep = createStep(
  "waas-flag-reversed-medusa-payment",
  async (input: { application: DepositApplication | null }, { container }) => {
    return new StepResponse<ReversalFlag>(await flagReversedMedusaPayment(container, input.application))
  },
)
