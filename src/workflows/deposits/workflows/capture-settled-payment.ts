import { createWorkflow, WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { captureSettledPaymentStep } from "../steps/capture-settled-payment"

export const captureSettledCryptoPaymentWorkflowId = "waas-capture-settled-payment"

/** The Medusa side alone, for the poller's re-drive of payments settled here but not yet captured there. */
export const captureSettledCryptoPaymentWorkflow = createWorkflow(
  captureSettledCryptoPaymentWorkflowId,
  (input: WorkflowData<{ crypto_payment_id: string }>) => {
    return new WorkflowResponse(captureSettledPaymentStep(input))
  },
)
