import { createWorkflow, transform, WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { DepositRecord } from "../../../protocol"
import type { DepositApplication, DepositSource } from "../../../modules/waas/deposits/apply-deposit"
import { applyWaasDepositStep } from "../steps/apply-waas-deposit"
import { captureSettledPaymentStep, type CaptureOutcome } from "../steps/capture-settled-payment"
import { emitDepositEventsStep } from "../steps/emit-deposit-events"
import { pullWaasDepositStep } from "../steps/pull-waas-deposit"

export interface ProcessWaasDepositInput {
  /** the WaaS deposit id to pull (a callback's hint); ignored when `record` is given */
  waas_deposit_id: string | null
  /** a record the caller already pulled from the WaaS (the poller's sync page) */
  record?: DepositRecord | null
  source: DepositSource
}

export interface ProcessWaasDepositResult {
  /** false when the WaaS does not know the deposit id (a forged or foreign callback): nothing happened */
  found: boolean
  application: DepositApplication | null
  medusa: CaptureOutcome
  events: string[]
  /** one line for the inbox and the logs */
  outcome: string
}

export const processWaasDepositWorkflowId = "waas-process-deposit"

/**
 * The one deposit path, shared by the callback subscriber, the poller and the admin re-run:
 * pull the record from the WaaS (unless the poller already did) → apply it to the ledger exactly once →
 * capture the Medusa payment when the crypto payment is settled and Medusa does not know yet → announce.
 */
export const processWaasDepositWorkflow = createWorkflow(
  processWaasDepositWorkflowId,
  (input: WorkflowData<ProcessWaasDepositInput>) => {
    const record = pullWaasDepositStep(
      transform({ input }, ({ input }) => ({ waas_deposit_id: input.waas_deposit_id, record: input.record ?? null })),
    )
    const application = applyWaasDepositStep(transform({ record, input }, ({ record, input }) => ({ record, source: input.source })))
    const medusa = captureSettledPaymentStep(
      transform({ application }, ({ application }) => ({ crypto_payment_id: application?.payment?.id ?? null })),
    )
    const events = emitDepositEventsStep({ application })
    const result = transform({ record, application, medusa, events }, ({ record, application, medusa, events }): ProcessWaasDepositResult => ({
      found: record !== null,
      application,
      medusa,
      events,
      outcome: describeOutcome(record !== null, application, medusa),
    }))
    return new WorkflowResponse(result)
  },
)

function describeOutcome(found: boolean, a: DepositApplication | null, medusa: CaptureOutcome): string {
  if (!found || !a) return "the WaaS does not know this deposit: nothing applied"
  const payment = a.payment ? `; payment ${a.payment.id} ${a.payment.before} → ${a.payment.after}` : ""
  const capture = medusa === "captured" ? "; Medusa payment captured" : ""
  return `deposit ${a.waas_deposit_id} ${a.before ?? "new"} → ${a.after}${a.credited_now ? " (credited now)" : ""}${payment}${capture}`
}
