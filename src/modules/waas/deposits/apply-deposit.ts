import { DepositStatus } from "../../../protocol"
import type { ApplyOptions, DepositApplication, DepositSource } from "./application"
import { DepositLedgerStatus, DepositMachine } from "./deposit-states"
import { LedgerRaceError, type DepositFactsRow, type DepositRow } from "./ledger-sql"
import type { LedgerOps } from "./ledger-ops"
import { decideDeposit, isSettled, outcomeEvents } from "./outcome"
import { resettle } from "./resettle"
import { reverseCreditedDeposit } from "./reverse-credit"

/**
 * Applying one deposit, inside ONE transaction the caller opened, through `ops` (ledger-ops.ts: a statement each, or
 * the rows of a whole page read ahead under their locks, page-ledger.ts):
 *   1. the deposit row is created on first sighting (insert … on conflict do nothing) and locked;
 *   2. the payment that held its address at the deposit's creation time is found and locked (FOR UPDATE);
 *   3. the pure rules (outcome.ts) decide; a credit is an insert into the ledger that the unique index
 *      turns into a no-op when the deposit was applied before;
 *   4. the payment's amounts and status are re-derived from its ledger rows and written back, each status
 *      change checked against the state-machine table.
 * Facts come from the WaaS's own records (pulled), never from a callback body. A credited deposit the WaaS no
 * longer reports successful is reversed (reverse-credit.ts). A record the rules cannot apply throws
 * UnapplicableDepositError; the caller parks it (park-deposit.ts).
 */

export type { ApplyOptions, DepositApplication, DepositSource, PaymentChange } from "./application"

export async function applyDepositFacts(
  ops: LedgerOps,
  facts: DepositFactsRow,
  source: DepositSource,
  o: ApplyOptions,
): Promise<DepositApplication> {
  const inserted = await ops.insertDepositIfNew(facts, source, o.now)
  const row = await ops.lockDepositByWaasId(facts.waas_deposit_id)
  if (!row) throw new LedgerRaceError(`deposit ${facts.waas_deposit_id} vanished after its insert`)
  const before: DepositLedgerStatus | null = inserted ? null : row.status
  const success = facts.waas_status === DepositStatus.SUCCESS

  // a credit stands only while the WaaS says success: anything else takes it back out with a reversing entry
  if (row.status === "credited" && !success) return reverseCreditedDeposit(ops, { row, facts, before, source }, o)

  // Settled outcomes, and decisions an admin is to take on money the WaaS still confirms, are not re-decided:
  // only the WaaS's counters move. A repeat or a late callback therefore cannot credit twice or undo a decision.
  if (row.status === "credited" || DepositMachine.isFinal(row.status) || (success && (row.status === "held" || row.status === "orphaned"))) {
    await ops.refreshDepositFacts({ id: row.id, facts, source, now: o.now })
    return unchanged(row, before)
  }

  // pending, compliance_review and needs_review are decided from the WaaS's facts; so are held and orphaned
  // deposits the WaaS no longer confirms (nothing is left to decide on money that did not arrive)
  const holderId = await ops.findAddressHolder(facts.address_to, facts.waas_created_at, o.graceSeconds)
  const holder = holderId ? await ops.lockPayment(holderId) : null
  const decision = decideDeposit(
    { waas_status: facts.waas_status, symbol: facts.symbol, amount: facts.amount, created_at: facts.waas_created_at },
    holder,
    o.latePolicy,
  )
  if (decision.status !== row.status) DepositMachine.assertTransition(row.status, decision.status)

  let creditedNow = false
  if (decision.status === "credited") {
    creditedNow = await ops.insertCredit({
      waas_deposit_id: row.waas_deposit_id,
      deposit_id: row.id,
      crypto_payment_id: decision.payment_id,
      symbol: facts.symbol,
      amount: facts.amount,
      late: decision.late,
      source,
      credited_by: null,
      now: o.now,
    })
  }
  await ops.updateDepositRow({
    id: row.id,
    from: row.status,
    to: decision.status,
    facts,
    crypto_payment_id: decision.payment_id,
    timing: decision.timing,
    orphan_reason: decision.status === "orphaned" ? decision.reason : null,
    source,
    now: o.now,
  })

  // a deposit held for another payment than the one now matched no longer counts there
  if (row.status === "held" && row.crypto_payment_id && row.crypto_payment_id !== holder?.id) {
    const previous = await ops.lockPayment(row.crypto_payment_id)
    if (previous && previous.status !== "canceled") await resettle(ops, previous, o)
  }
  const payment = holder && holder.status !== "canceled" ? await resettle(ops, holder, o) : null
  const late = decision.status === "held" || (decision.status === "credited" && decision.late)
  return {
    deposit_id: row.id,
    waas_deposit_id: row.waas_deposit_id,
    before,
    after: decision.status,
    payment,
    credited_now: creditedNow,
    events: outcomeEvents({
      deposit: { before, after: decision.status, late },
      payment: payment ? { before: payment.before, after: payment.after } : null,
      credited_now: creditedNow,
    }),
  }
}

export function unchanged(row: DepositRow, before: DepositLedgerStatus | null): DepositApplication {
  return {
    deposit_id: row.id,
    waas_deposit_id: row.waas_deposit_id,
    before,
    after: row.status,
    payment: null,
    credited_now: false,
    events: [],
    review_reason: row.review_reason,
  }
}

export { isSettled }
