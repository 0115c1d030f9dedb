import { CryptoPaymentMachine } from "../checkout/payment-states"
import type { ApplyOptions, PaymentChange } from "./application"
import type { PaymentRow } from "./ledger-sql"
import type { LedgerOps } from "./ledger-ops"
import { settlePayment } from "./outcome"

/** Re-derives a locked payment's amounts and status from its ledger and writes them back. */
export async function resettle(ops: LedgerOps, payment: PaymentRow, o: ApplyOptions): Promise<PaymentChange> {
  const rows = await ops.readPaymentLedger(payment.id)
  const settlement = settlePayment({
    status: payment.status,
    amount_due: payment.amount_due,
    credits: rows.credits,
    reversals: rows.reversals,
    held: rows.held,
    pending: rows.pending,
    tolerance: o.tolerance,
    expired: o.now.getTime() > new Date(payment.expires_at).getTime(),
  })
  if (settlement.status !== payment.status) CryptoPaymentMachine.assertTransition(payment.status, settlement.status)
  await ops.updatePaymentSettlement({
    id: payment.id,
    from: payment.status,
    to: settlement.status,
    amount_received: settlement.amount_received,
    amount_pending: settlement.amount_pending,
    amount_excess: settlement.amount_excess,
    now: o.now,
  })
  return {
    id: payment.id,
    payment_session_id: payment.payment_session_id,
    order_id: payment.order_id,
    before: payment.status,
    after: settlement.status,
    amount_due: payment.amount_due,
    amount_received: settlement.amount_received,
    amount_excess: settlement.amount_excess,
    medusa_captured: payment.medusa_captured_at !== null,
  }
}
