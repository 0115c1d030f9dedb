import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { MedusaError } from "@medusajs/framework/utils"
import { CryptoPaymentMachine, type CryptoPaymentStatus } from "../checkout/payment-states"
import { DepositLedgerStatus, DepositMachine, DEPOSIT_STATUSES_NEEDING_REVIEW } from "./deposit-states"
import {
  insertCredit,
  insertDepositIfNew,
  lockDepositById,
  lockDepositByWaasId,
  lockPayment,
  PaymentRow,
  readPaymentLedger,
  recordDepositResolution,
  refreshDepositFacts,
  updateDepositRow,
  updatePaymentSettlement,
  findAddressHolder,
  type DepositFactsRow,
  type DepositRow,
} from "./ledger-sql"
import {
  decideDeposit,
  DepositEventName,
  isCreditableAmount,
  isSettled,
  LatePaymentPolicy,
  outcomeEvents,
  settlePayment,
} from "./outcome"

/**
 * Applying one deposit, inside ONE transaction the caller opened:
 *   1. the deposit row is created on first sighting (insert … on conflict do nothing) and locked;
 *   2. the payment that held its address at the deposit's creation time is found and locked (FOR UPDATE);
 *   3. the pure rules (outcome.ts) decide; a credit is an insert into the ledger that the unique index
 *      turns into a no-op when the deposit was applied before;
 *   4. the payment's amounts and status are re-derived from its ledger rows and written back, each status
 *      change checked against the state-machine table.
 * Facts come from the WaaS's own records (pulled), never from a callback body.
 */

export type DepositSource = "callback" | "poll" | "admin"

export interface ApplyOptions {
  latePolicy: LatePaymentPolicy
  /** underpaymentTolerance, a decimal fraction string */
  tolerance: string
  now: Date
}

export interface PaymentChange {
  id: string
  payment_session_id: string
  order_id: string | null
  before: CryptoPaymentStatus
  after: CryptoPaymentStatus
  amount_due: string
  amount_received: string
  amount_excess: string
}

export interface DepositApplication {
  deposit_id: string
  waas_deposit_id: string
  before: DepositLedgerStatus | null
  after: DepositLedgerStatus
  /** the payment whose ledger was re-derived (null when no live payment was involved) */
  payment: PaymentChange | null
  /** this application inserted the credit row */
  credited_now: boolean
  events: DepositEventName[]
}

export async function applyDepositFacts(
  trx: Knex.Transaction,
  facts: DepositFactsRow,
  source: DepositSource,
  o: ApplyOptions,
): Promise<DepositApplication> {
  const inserted = await insertDepositIfNew(trx, facts, source, o.now)
  const row = await lockDepositByWaasId(trx, facts.waas_deposit_id)
  if (!row) throw new Error(`deposit ${facts.waas_deposit_id} vanished after its insert`)
  const before: DepositLedgerStatus | null = inserted ? null : row.status

  // Settled outcomes (credited, failed, refunded) and ones waiting for an admin are not re-decided: only
  // the WaaS's counters move. A repeat or a late callback therefore cannot credit twice or undo a decision.
  if (DepositMachine.isFinal(row.status) || DEPOSIT_STATUSES_NEEDING_REVIEW.includes(row.status)) {
    await refreshDepositFacts(trx, { id: row.id, facts, source, now: o.now })
    return { deposit_id: row.id, waas_deposit_id: row.waas_deposit_id, before, after: row.status, payment: null, credited_now: false, events: [] }
  }

  const holderId = await findAddressHolder(trx, facts.address_to, facts.waas_created_at)
  const holder = holderId ? await lockPayment(trx, holderId) : null
  const decision = decideDeposit(
    { waas_status: facts.waas_status, symbol: facts.symbol, amount: facts.amount, created_at: facts.waas_created_at },
    holder,
    o.latePolicy,
  )
  if (decision.status !== row.status) DepositMachine.assertTransition(row.status, decision.status)

  let creditedNow = false
  if (decision.status === "credited") {
    creditedNow = await insertCredit(trx, {
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
  await updateDepositRow(trx, {
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

  const payment = holder && holder.status !== "canceled" ? await resettle(trx, holder, o) : null
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

/** Re-derives a locked payment's amounts and status from its ledger and writes them back. */
async function resettle(trx: Knex.Transaction, payment: PaymentRow, o: ApplyOptions): Promise<PaymentChange> {
  const rows = await readPaymentLedger(trx, payment.id)
  const settlement = settlePayment({
    status: payment.status,
    amount_due: payment.amount_due,
    credits: rows.credits,
    held: rows.held,
    pending: rows.pending,
    tolerance: o.tolerance,
    expired: o.now.getTime() > new Date(payment.expires_at).getTime(),
  })
  if (settlement.status !== payment.status) CryptoPaymentMachine.assertTransition(payment.status, settlement.status)
  await updatePaymentSettlement(trx, {
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
  }
}

/* ------------------------------------------------------------------ admin resolutions */

export interface AttachInput {
  deposit_id: string
  /** the payment to credit; for a held deposit, its own payment when absent */
  crypto_payment_id: string | null
  actor: string | null
  note: string | null
}

/**
 * An admin credits a held or orphaned deposit to a payment: the same ledger insert, under the same locks
 * (deposit, then payment). Refused, changing nothing, for a deposit that is not waiting for a decision, a
 * canceled target, another coin, or an amount the coin cannot have.
 */
export async function attachDeposit(trx: Knex.Transaction, input: AttachInput, o: ApplyOptions): Promise<DepositApplication> {
  const row = await lockReviewableDeposit(trx, input.deposit_id)
  const targetId = input.crypto_payment_id ?? (row.status === "held" ? row.crypto_payment_id : null)
  if (!targetId) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `deposit ${row.id} is an orphan: name the order (or payment) to attach it to`)
  }
  const target = await lockPayment(trx, targetId)
  if (!target) throw new MedusaError(MedusaError.Types.NOT_FOUND, `crypto payment ${targetId} does not exist`)
  if (target.status === "canceled") {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `crypto payment ${target.id} is canceled; a deposit cannot be attached to it`)
  }
  if (target.symbol !== row.symbol) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `deposit ${row.id} is ${row.symbol} but crypto payment ${target.id} is quoted in ${target.symbol}; mark it for refund instead`,
    )
  }
  if (!isCreditableAmount(row.amount, target.decimals)) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `deposit ${row.id} has an amount (${row.amount}) that ${target.symbol} cannot carry; mark it for refund instead`,
    )
  }
  DepositMachine.assertTransition(row.status, "credited")
  const credited = await insertCredit(trx, {
    waas_deposit_id: row.waas_deposit_id,
    deposit_id: row.id,
    crypto_payment_id: target.id,
    symbol: row.symbol,
    amount: row.amount,
    late: row.timing !== "on_time",
    source: "admin",
    credited_by: input.actor,
    now: o.now,
  })
  if (!credited) throw new Error(`deposit ${row.waas_deposit_id} already has a ledger credit although it is ${row.status}`)
  await recordDepositResolution(trx, {
    id: row.id,
    from: row.status,
    to: "credited",
    crypto_payment_id: target.id,
    resolution: "attached",
    resolved_by: input.actor,
    note: input.note,
    now: o.now,
  })
  // the payment the deposit was held for (if another) loses a held deposit: re-derive it too
  if (row.crypto_payment_id && row.crypto_payment_id !== target.id && row.status === "held") {
    const previous = await lockPayment(trx, row.crypto_payment_id)
    if (previous && previous.status !== "canceled") await resettle(trx, previous, o)
  }
  const payment = await resettle(trx, target, o)
  return {
    deposit_id: row.id,
    waas_deposit_id: row.waas_deposit_id,
    before: row.status,
    after: "credited",
    payment,
    credited_now: true,
    events: outcomeEvents({
      deposit: { before: row.status, after: "credited", late: false },
      payment: { before: payment.before, after: payment.after },
      credited_now: true,
    }),
  }
}

/** An admin decides a held or orphaned deposit goes back to its sender (the withdrawal flow pays it). */
export async function markDepositForRefund(
  trx: Knex.Transaction,
  input: { deposit_id: string; actor: string | null; note: string | null },
  o: ApplyOptions,
): Promise<DepositApplication> {
  const row = await lockReviewableDeposit(trx, input.deposit_id)
  DepositMachine.assertTransition(row.status, "refund_pending")
  await recordDepositResolution(trx, {
    id: row.id,
    from: row.status,
    to: "refund_pending",
    crypto_payment_id: row.crypto_payment_id,
    resolution: "mark_for_refund",
    resolved_by: input.actor,
    note: input.note,
    now: o.now,
  })
  let payment: PaymentChange | null = null
  if (row.status === "held" && row.crypto_payment_id) {
    const held = await lockPayment(trx, row.crypto_payment_id)
    if (held && held.status !== "canceled") payment = await resettle(trx, held, o)
  }
  return {
    deposit_id: row.id,
    waas_deposit_id: row.waas_deposit_id,
    before: row.status,
    after: "refund_pending",
    payment,
    credited_now: false,
    events: [],
  }
}

async function lockReviewableDeposit(trx: Knex.Transaction, id: string): Promise<DepositRow> {
  const row = await lockDepositById(trx, id)
  if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `deposit ${id} does not exist`)
  if (!DEPOSIT_STATUSES_NEEDING_REVIEW.includes(row.status)) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `deposit ${id} is ${row.status}; only held or orphaned deposits wait for an admin's decision`,
    )
  }
  return row
}

export { isSettled }
