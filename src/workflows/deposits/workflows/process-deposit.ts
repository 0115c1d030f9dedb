import { createWorkflow, transform, WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { DepositRecord } from "../../../protocol"
import type { DepositApplication, DepositSource } from "../../../modules/waas/deposits/apply-deposit"
import type { PulledDeposit } from "../../../modules/waas/deposits/pulled-deposit"
import { applyWaasDepositStep } from "../steps/apply-waas-deposit"
import { captureSettledPaymentStep, type CaptureOutcome } from "../steps/capture-settled-payment"
import { emitDepositEventsStep } from "../steps/emit-deposit-events"
import { flagReversedMedusaPaymentStep, type ReversalFlag } from "../steps/flag-reversed-medusa-payment"
import { pullWaasDepositStep } from "../steps/pull-waas-deposit"
import { describeOutcome } from "../runners/outcome-text"

export interface ProcessWaasDepositInput {
  /** the WaaS deposit id to pull (a callback's hint); ignored when `pulled` or `record` is given */
  waas_deposit_id: string | null
  /** what the caller already pulled from the WaaS (the poller's sync page or re-read), readable or not */
  pulled?: PulledDeposit | null
  /** a validated record the caller already pulled */
  record?: DepositRecord | null
  source: DepositSource
}

export interface ProcessWaasDepositResult {
  /** false when the WaaS does not know the deposit id (a forged or foreign callback): nothing happened */
  found: boolean
  application: DepositApplication | null
  medusa: CaptureOutcome
  reversal: ReversalFlag
  events: string[]
  /** one line for the inbox and the logs */
  outcome: string
}

export const processWaasDepositWorkflowId = "waas-process-deposit"

/**
 * One deposit as a workflow (the reconciliation's healing of a break uses it). The callback processor and the poller
 * run the same path a page at a time without a workflow per deposit (runners/deposit-page.ts):
 * pull the record from the WaaS (unless the poller already did) → apply it to the ledger exactly once (or park
 * it for review when it cannot be applied) → capture the Medusa payment when the crypto payment is settled and
 * Medusa does not know yet, or flag Medusa's payment when a deposit behind it was reversed → announce.
 */
export const processWaasDepositWorkflow = createWorkflow(
  processWaasDepositWorkflowId,
  (input: WorkflowData<ProcessWaasDepositInput>) => {
    const pulled = pullWaasDepositStep(
      transform({ input }, ({ input }) => ({
        waas_deposit_id: input.waas_deposit_id,
        pulled: input.pulled ?? null,
        record: input.record ?? null,
      })),
    )
    const application = applyWaasDepositStep(transform({ pulled, input }, ({ pulled, input }) => ({ pulled, source: input.source })))
    const medusa = captureSettledPaymentStep(
      transform({ application }, ({ application }) => ({ crypto_payment_id: application?.payment?.id ?? null })),
    )
    const reversal = flagReversedMedusaPaymentStep({ application })
    const events = emitDepositEventsStep({ application })
    const result = transform(
      { pulled, application, medusa, reversal, events },
      ({ pulled, application, medusa, reversal, events }): ProcessWaasDepositResult => ({
        found: pulled !== null,
        application,
        medusa,
        reversal,
        events,
        outcome: describeOutcome(pulled !== null, application, medusa),
      }),
    )
    return new WorkflowResponse(result)
  },
)
