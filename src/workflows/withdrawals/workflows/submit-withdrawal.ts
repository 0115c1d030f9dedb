import { createWorkflow, transform, WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { WithdrawalRow } from "../../../modules/waas/withdrawals/withdrawal-sql"
import { beginWithdrawalSubmissionStep } from "../steps/begin-withdrawal-submission"
import { emitWithdrawalEventsStep } from "../steps/emit-withdrawal-events"
import { recordWithdrawalSubmissionStep } from "../steps/record-withdrawal-submission"
import { sendWithdrawalStep } from "../steps/send-withdrawal"

export const submitWaasWithdrawalWorkflowId = "waas-submit-withdrawal"

export interface SubmitWaasWithdrawalResult {
  /** null when there was nothing to submit (not approved, or already past submission) */
  withdrawal: WithdrawalRow | null
  outcome: string
}

/**
 * Sends one approved withdrawal to the WaaS: lock and move it to `submitting` (committed), call
 * `withdraw` through submitWithdrawalSafely with its stored request_id, record the answer, announce.
 * With `redrive` it also re-sends a row left `submitting` (a crash, an unknown outcome): the same
 * request_id is looked up or answered 110088, never paid twice.
 */
export const submitWaasWithdrawalWorkflow = createWorkflow(
  submitWaasWithdrawalWorkflowId,
  (input: WorkflowData<{ withdrawal_id: string; redrive?: boolean; settle_delay_ms?: number }>) => {
    const begun = beginWithdrawalSubmissionStep(input)
    const outcome = sendWithdrawalStep(transform({ begun, input }, ({ begun, input }) => ({ begun, settle_delay_ms: input.settle_delay_ms })))
    const recorded = recordWithdrawalSubmissionStep(transform({ input, outcome }, ({ input, outcome }) => ({ withdrawal_id: input.withdrawal_id, outcome })))
    emitWithdrawalEventsStep(transform({ begun, recorded }, ({ begun, recorded }) => ({ changes: [begun, recorded] })))
    return new WorkflowResponse(
      transform({ begun, recorded, outcome }, ({ begun, recorded, outcome }): SubmitWaasWithdrawalResult => ({
        withdrawal: recorded?.withdrawal ?? begun?.withdrawal ?? null,
        outcome: outcome ? outcome.kind : "nothing to submit",
      })),
    )
  },
)
