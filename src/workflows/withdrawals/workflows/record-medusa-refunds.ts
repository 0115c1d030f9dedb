import { createWorkflow, WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { recordMedusaRefundStep } from "../steps/record-medusa-refund"

export const recordMedusaRefundsWorkflowId = "waas-record-medusa-refunds"

/** The Medusa side alone: for the poller's re-drive and right after a submission that completed at once. */
export const recordMedusaRefundsWorkflow = createWorkflow(
  recordMedusaRefundsWorkflowId,
  (input: WorkflowData<{ payment_session_id: string }>) => new WorkflowResponse(recordMedusaRefundStep(input)),
)
