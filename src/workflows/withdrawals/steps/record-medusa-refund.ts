import type { ILockingModule, IPaymentModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { refundPaymentWorkflow } from "@medusajs/medusa/core-flows"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"

const REFUND_REASON_CODE = "waas_withdrawal"

export interface MedusaRefundReport {
  recorded: number
  pending_claims: number
}

/**
 * Records in Medusa, exactly once, the refunds of a payment session whose WaaS withdrawals completed:
 * under a lock per session, each completed withdrawal not yet recorded gets one Medusa refund through
 * refundPaymentWorkflow (order transaction, payment collection, `payment.refunded`). The provider's
 * refundPayment lets it through only by claiming that withdrawal (withdrawals/medusa-refund-sql.ts); the
 * withdrawal is marked recorded once the Refund exists. A repeat (a second callback, a poll, a restart)
 * finds it recorded, or finds its claim's Refund and only marks it. Nothing to compensate.
 */
export const recordMedusaRefundStep = createStep(
  { name: "waas-record-medusa-refund", noCompensation: true },
  async (input: { payment_session_id: string | null }, { container }) => {
    const session = input.payment_session_id
    if (!session) return new StepResponse<MedusaRefundReport>({ recorded: 0, pending_claims: 0 })
    const locking = container.resolve<ILockingModule>(Modules.LOCKING)
    const report = await locking.execute(`waas:refund:${session}`, () => recordDueRefunds(container, session), { timeout: 60 })
    return new StepResponse<MedusaRefundReport>(report)
  },
)

export async function recordDueRefunds(container: MedusaContainer, session: string): Promise<MedusaRefundReport> {
  const refunds = container.resolve<WaasModuleService>(WAAS_MODULE).withdrawals().medusaRefunds
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const report: MedusaRefundReport = { recorded: 0, pending_claims: 0 }
  const medusaPayment = async () => {
    const [payment] = await payments.listPayments({ payment_session_id: session }, { relations: ["refunds"] })
    if (!payment) {
      throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `payment session ${session} has no captured Medusa payment yet; the refund is recorded later`)
    }
    return payment
  }
  // claims first: a Refund that exists is only marked; an unclaimed withdrawal gets a new Refund
  for (let round = 0; round < 2; round++) {
    const payment = await medusaPayment()
    const refundIds = new Set((payment.refunds ?? []).map((r) => r.id))
    const due = await refunds.due(session)
    const unclaimed = []
    for (const row of due) {
      if (!row.medusa_refund_id) unclaimed.push(row)
      else if (refundIds.has(row.medusa_refund_id)) report.recorded += (await refunds.markRecorded(row)) ? 1 : 0
      else if (!(await refunds.releaseStaleClaim(row))) report.pending_claims++
    }
    if (round === 1 || unclaimed.length === 0) break
    const reasonId = await refundReasonId(payments)
    for (const row of unclaimed) {
      await refundPaymentWorkflow(container).run({
        input: {
          payment_id: payment.id,
          amount: row.fiat_amount!,
          refund_reason_id: reasonId,
          note: `WaaS withdrawal ${row.request_id}: ${row.refund_amount} ${row.symbol} to ${row.to_address}${row.txid ? `, txid ${row.txid}` : ""}`,
        },
      })
    }
  }
  if (report.recorded > 0) {
    container.resolve<Logger>(ContainerRegistrationKeys.LOGGER).info(`medusa-plugin-waas: recorded ${report.recorded} Medusa refund(s) for payment session ${session}`)
  }
  return report
}

async function refundReasonId(payments: IPaymentModuleService): Promise<string> {
  const [existing] = await payments.listRefundReasons({ code: REFUND_REASON_CODE } as never)
  if (existing) return existing.id
  try {
    return (await payments.createRefundReasons({ label: "Crypto refund (WaaS withdrawal)", code: REFUND_REASON_CODE })).id
  } catch (e) {
    const [raced] = await payments.listRefundReasons({ code: REFUND_REASON_CODE } as never)
    if (raced) return raced.id
    throw e
  }
}
