import { createWorkflow, transform, WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { WithdrawRecord } from "../../../protocol"
import type { AuditSource } from "../../../modules/waas/withdrawals/withdrawal-states"
import type { WithdrawalChangeResult } from "../../../modules/waas/withdrawals/withdrawals"
import { applyWaasWithdrawalStep } from "../steps/apply-waas-withdrawal"
import { emitWithdrawalEventsStep } from "../steps/emit-withdrawal-events"
import { pullWaasWithdrawalStep } from "../steps/pull-waas-withdrawal"
import { recordMedusaRefundStep, type MedusaRefundReport } from "../steps/record-medusa-refund"

export interface ProcessWaasWithdrawalResult {
  found: boolean
  change: WithdrawalChangeResult | null
  medusa: MedusaRefundReport
  outcome: string
}

export const processWaasWithdrawalWorkflowId = "waas-process-withdrawal"

/**
 * The one status path of a withdrawal, shared by the callback subscriber and the poller: pull the
 * record by request_id (unless the poller already has it) → apply it → record the Medusa refund when a
 * payment's withdrawal is completed and Medusa does not know yet → announce.
 */
export const processWaasWithdrawalWorkflow = createWorkflow(
  processWaasWithdrawalWorkflowId,
  (input: WorkflowData<{ request_id: string | null; record?: WithdrawRecord | null; source: AuditSource }>) => {
    const record = pullWaasWithdrawalStep(transform({ input }, ({ input }) => ({ request_id: input.request_id, record: input.record ?? null })))
    const change = applyWaasWithdrawalStep(transform({ record, input }, ({ record, input }) => ({ record, source: input.source })))
    const medusa = recordMedusaRefundStep(
      transform({ change }, ({ change }) => ({
        payment_session_id:
          change && change.withdrawal.status === "completed" && change.withdrawal.source === "payment" && !change.withdrawal.medusa_refunded_at
            ? change.withdrawal.payment_session_id
            : null,
      })),
    )
    emitWithdrawalEventsStep(transform({ change }, ({ change }) => ({ changes: [change] })))
    return new WorkflowResponse(
      transform({ record, change, medusa }, ({ record, change, medusa }): ProcessWaasWithdrawalResult => ({
        found: record !== null,
        change,
        medusa,
        outcome: !record
          ? "the WaaS does not know this request_id: nothing applied"
          : !change
            ? `WaaS withdrawal ${record.id} is not ours`
            : `withdrawal ${change.withdrawal.id} ${change.before} → ${change.withdrawal.status}${medusa.recorded ? "; Medusa refund recorded" : ""}`,
      })),
    )
  },
)
