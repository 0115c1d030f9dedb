import { createWorkflow, transform, WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { completeWaasCallbackStep } from "../../deposits/steps/complete-waas-callback"
import { claimWithdrawalCallbackStep } from "../steps/claim-withdrawal-callback"
import { processWaasWithdrawalWorkflow } from "./process-withdrawal"

export const processWithdrawalCallbackWorkflowId = "waas-process-withdrawal-callback"

/**
 * One recorded withdraw notification, after its acknowledgement: lease the inbox row, run the status
 * path for the request_id it names (pulling the record, never trusting the body), mark the covered
 * deliveries processed. On failure the lease is given back and the row stays pending for the poller.
 */
export const processWithdrawalCallbackWorkflow = createWorkflow(
  processWithdrawalCallbackWorkflowId,
  (input: WorkflowData<{ inbox_id: string }>) => {
    const claim = claimWithdrawalCallbackStep(input)
    const processed = processWaasWithdrawalWorkflow.runAsStep({
      input: transform({ claim }, ({ claim }) => ({ request_id: claim.claimed ? claim.request_id : null, source: "callback" as const })),
    })
    const outcome = transform({ claim, processed }, ({ claim, processed }) => (claim.claimed ? processed.outcome : "not claimed"))
    const done = completeWaasCallbackStep(transform({ claim, outcome }, ({ claim, outcome }) => ({ claimed: claim.claimed, outcome })))
    return new WorkflowResponse(
      transform({ claim, outcome, done }, ({ claim, outcome, done }) => ({ claimed: claim.claimed !== null, outcome, more: done.more })),
    )
  },
)
