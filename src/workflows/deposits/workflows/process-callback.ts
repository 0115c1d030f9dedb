import { createWorkflow, transform, WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { claimWaasCallbackStep } from "../steps/claim-waas-callback"
import { completeWaasCallbackStep } from "../steps/complete-waas-callback"
import { processWaasDepositWorkflow } from "./process-deposit"

export interface ProcessWaasCallbackResult {
  /** false when the row was not pending or another processor held it: nothing done */
  claimed: boolean
  outcome: string | null
  /** another delivery arrived during this run: run again */
  more: boolean
}

export const processWaasCallbackWorkflowId = "waas-process-callback"

/**
 * Kept for the package's workflow exports; the plugin itself processes recorded callbacks a page at a time without a
 * workflow per callback (runners/callback-page.ts, with the same lease, pull, apply and completion).
 * One recorded deposit notification, after its acknowledgement: lease the inbox row, run the deposit path
 * for the WaaS id it names (pulling the record, never trusting the body), mark the covered deliveries
 * processed. On failure the lease is given back (compensation) and the row stays pending for the next
 * attempt (the subscriber's retry, the poller, or an admin's re-run).
 */
export const processWaasCallbackWorkflow = createWorkflow(
  processWaasCallbackWorkflowId,
  (input: WorkflowData<{ inbox_id: string }>) => {
    const claimed = claimWaasCallbackStep(input)
    const processed = processWaasDepositWorkflow.runAsStep({
      input: transform({ claimed }, ({ claimed }) => ({
        waas_deposit_id: claimed ? claimed.waas_id : null,
        source: "callback" as const,
      })),
    })
    const outcome = transform({ claimed, processed }, ({ claimed, processed }) => (claimed ? processed.outcome : "not claimed"))
    const done = completeWaasCallbackStep({ claimed, outcome })
    return new WorkflowResponse(
      transform({ claimed, outcome, done }, ({ claimed, outcome, done }): ProcessWaasCallbackResult => ({
        claimed: claimed !== null,
        outcome: claimed ? outcome : null,
        more: done.more,
      })),
    )
  },
)
