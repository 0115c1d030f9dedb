import type { ApplyOptions, DepositApplication, DepositSource } from "./application"
import { DepositMachine, type DepositLedgerStatus } from "./deposit-states"
import type { DepositFactsRow, DepositRow } from "./ledger-sql"
import type { LedgerOps } from "./ledger-ops"
import { describeWaasStatus, outcomeEvents } from "./outcome"
import { resettle } from "./resettle"

/**
 * A credited deposit whose WaaS status is no longer success (1, then 2; or back to 0 after a reorganisation, or
 * held for KYT, or a status nobody documented): the money the ledger counts is not there. Under the deposit's row
 * lock (the caller's), then the payment's: a reversing entry for the credit's amount is appended (the credit row
 * stays as it was), the deposit becomes `reversed` with the reason, and the payment is re-derived from its
 * ledger, which shows the shortfall. Exactly once: the unique (waas_deposit_id, entry) index.
 */
export async function reverseCreditedDeposit(
  ops: LedgerOps,
  args: { row: DepositRow; facts: DepositFactsRow; before: DepositLedgerStatus | null; source: DepositSource },
  o: ApplyOptions,
): Promise<DepositApplication> {
  const { row, facts, source } = args
  DepositMachine.assertTransition(row.status, "reversed")
  const credit = await ops.readCreditEntry(row.waas_deposit_id)
  if (!credit) throw new Error(`deposit ${row.waas_deposit_id} is credited but has no credit entry on the ledger`)
  const payment = await ops.lockPayment(credit.crypto_payment_id)
  await ops.insertReversal({ waas_deposit_id: row.waas_deposit_id, deposit_id: row.id, credit, source, now: o.now })
  const reason =
    `the WaaS reports status ${describeWaasStatus(facts.waas_status)} for this deposit after it was credited: ` +
    `its ${credit.amount} ${credit.symbol} was taken back out of crypto payment ${credit.crypto_payment_id}`
  await ops.updateDepositRow({
    id: row.id,
    from: row.status,
    to: "reversed",
    facts,
    crypto_payment_id: credit.crypto_payment_id,
    timing: row.timing,
    orphan_reason: null,
    review_reason: reason,
    source,
    now: o.now,
  })
  const change = payment && payment.status !== "canceled" ? await resettle(ops, payment, o) : null
  return {
    deposit_id: row.id,
    waas_deposit_id: row.waas_deposit_id,
    before: args.before,
    after: "reversed",
    payment: change,
    credited_now: false,
    review_reason: reason,
    events: outcomeEvents({
      deposit: { before: args.before, after: "reversed", late: false },
      payment: change ? { before: change.before, after: change.after } : null,
      credited_now: false,
    }),
  }
}
