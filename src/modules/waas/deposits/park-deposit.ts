import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { ApplyOptions, DepositApplication, DepositSource } from "./application"
import { unchanged } from "./apply-deposit"
import { DepositMachine } from "./deposit-states"
import {
  insertDepositIfNew,
  LedgerRaceError,
  lockDepositByWaasId,
  lockPayment,
  updateDepositRow,
  type DepositFactsRow,
} from "./ledger-sql"
import { outcomeEvents } from "./outcome"
import { sqlLedgerOps } from "./ledger-ops"
import { resettle } from "./resettle"
import { noteReviewReason } from "./review-sql"

/**
 * Parks a deposit whose WaaS record could not be applied (an undocumented status, a malformed field, a rule that
 * throws): it becomes `needs_review` with the reason, in its own transaction (the failed application rolled
 * back), so the sync cursor and the inbox sweep move on instead of stopping behind it. It shows in the review
 * queue, and the poller re-reads it every run: once the WaaS's record reads normally it is applied as usual.
 *
 * `facts` are the record's when it validated (its status is the problem), or what could be read of it
 * (`readable: false`): those only fill a row seen for the first time, never overwrite a known row's facts.
 * A credited or final deposit is not parked (a credit is only ever taken back by a reversal): its row keeps its
 * status and gets the reason, and the caller logs it.
 */
export async function parkDepositFacts(
  trx: Knex.Transaction,
  args: { facts: DepositFactsRow; readable: boolean; reason: string; source: DepositSource },
  o: ApplyOptions,
): Promise<DepositApplication> {
  const reason = args.reason.slice(0, 1000)
  const inserted = await insertDepositIfNew(trx, args.facts, args.source, o.now)
  const row = await lockDepositByWaasId(trx, args.facts.waas_deposit_id)
  if (!row) throw new LedgerRaceError(`deposit ${args.facts.waas_deposit_id} vanished after its insert`)
  const before = inserted ? null : row.status

  if (row.status !== "needs_review" && !DepositMachine.can(row.status, "needs_review")) {
    await noteReviewReason(trx, { id: row.id, reason, now: o.now })
    return { ...unchanged(row, before), review_reason: reason }
  }
  const { id: _id, status: _status, crypto_payment_id, timing, orphan_reason: _o, review_reason: _r, ...known } = row
  await updateDepositRow(trx, {
    id: row.id,
    from: row.status,
    to: "needs_review",
    facts: args.readable || inserted ? args.facts : known,
    crypto_payment_id,
    timing,
    orphan_reason: null,
    review_reason: reason,
    source: args.source,
    now: o.now,
  })
  // a held deposit counted on its payment (late_held): re-derive the payment without it
  let payment = null
  if (row.status === "held" && crypto_payment_id) {
    const held = await lockPayment(trx, crypto_payment_id)
    if (held && held.status !== "canceled") payment = await resettle(sqlLedgerOps(trx), held, o)
  }
  return {
    deposit_id: row.id,
    waas_deposit_id: row.waas_deposit_id,
    before,
    after: "needs_review",
    payment,
    credited_now: false,
    review_reason: reason,
    events: outcomeEvents({
      deposit: { before, after: "needs_review", late: false },
      payment: payment ? { before: payment.before, after: payment.after } : null,
      credited_now: false,
    }),
  }
}
