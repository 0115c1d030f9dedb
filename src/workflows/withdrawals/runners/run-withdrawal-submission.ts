import type { MedusaContainer } from "@medusajs/framework/types"
import { submitWaasWithdrawalWorkflow, type SubmitWaasWithdrawalResult } from "../workflows/submit-withdrawal"
import { recordMedusaRefundsWorkflow } from "../workflows/record-medusa-refunds"
import { workflowErrors } from "./errors"

/**
 * Sends an approved withdrawal (the approve route, the poller's re-drive of approved or stuck rows), and
 * records the Medusa refund at once when the WaaS answered with a final success (an internal transfer).
 * Throws only when the workflow itself failed (the database); WaaS answers are recorded outcomes.
 */
export async function submitWithdrawal(
  container: MedusaContainer,
  withdrawalId: string,
  opts: { settleDelayMs?: number; redrive?: boolean } = {},
): Promise<SubmitWaasWithdrawalResult> {
  const { result, errors } = await submitWaasWithdrawalWorkflow(container).run({
    input: { withdrawal_id: withdrawalId, settle_delay_ms: opts.settleDelayMs, redrive: opts.redrive },
    throwOnError: false,
  })
  if (errors.length > 0) throw new Error(`submitting withdrawal ${withdrawalId} failed: ${workflowErrors(errors)}`)
  const w = result.withdrawal
  if (w && w.status === "completed" && w.source === "payment" && w.payment_session_id) {
    await recordMedusaRefundsWorkflow(container).run({ input: { payment_session_id: w.payment_session_id }, throwOnError: false })
  }
  return result
}
