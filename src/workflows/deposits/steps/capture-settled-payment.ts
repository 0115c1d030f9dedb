import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { captureSettledPayment, type CaptureOutcome } from "../actions/capture-settled"

export interface CaptureSettledPaymentInput {
  crypto_payment_id: string | null
}

export type { CaptureOutcome }

/**
 * Medusa's capture of a settled crypto payment (actions/capture-settled.ts), as a step: the admin's resolve
 * workflow and the poller's re-drive of payments settled here but not yet captured there.
 * Nothing to compensate: the capture records money already received (Medusa's own capture step has none either).
 */
export const captureSettledPaymentStep = createStep(
  "waas-capture-settled-payment",
  async (input: CaptureSettledPaymentInput, { container }) => {
    return new StepResponse<CaptureOutcome>(await captureSettledPayment(container, input.crypto_payment_id))
  },
)
