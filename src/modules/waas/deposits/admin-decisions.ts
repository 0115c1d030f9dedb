import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { MedusaError } from "@medusajs/framework/utils"
import { DepositStatus } from "../../../protocol"
import type { ApplyOptions, DepositApplication, PaymentChange } from "./application"
import { DepositMachine, DEPOSIT_STATUSES_AWAITING_DECISION, type DepositLedgerStatus } from "./deposit-states"
import { insertCredit, lockDepositById, lockPayment, recordDepositResolution, type DepositFactsRow, type DepositRow } from "./ledger-sql"
import { describeWaasStatus, isCreditableAmount, outcomeEvents } from "./outcome"
import { factsOfRecord, type PulledDeposit } from "./pulled-deposit"
import { sqlLedgerOps } from "./ledger-ops"
import { resettle } from "./resettle"

/**
 * An admin's decisions on the review queue, under the same locks as every credit (deposit, then payment).
 * Attaching and refunding move money, so both act on what the WaaS says NOW (the caller re-reads the deposit
 * with depositList just before, outside the transaction): only a deposit the WaaS reports successful is
 * credited or handed to the refund flow, with the WaaS's own figures. Anything else is refused with a message
 * and changes nothing.
 */

/** What the WaaS answered when the deposit was re-read for a decision. */
export type WaasReading =
  | { kind: "missing" }
  | { kind: "unreadable"; problems: string[] }
  | { kind: "record"; facts: DepositFactsRow }

export function waasReadingOf(pulled: PulledDeposit | null, utcOffsetMinutes: number): WaasReading {
  if (!pulled) return { kind: "missing" }
  if (pulled.kind === "unreadable") return { kind: "unreadable", problems: pulled.problems }
  return { kind: "record", facts: factsOfRecord(pulled.record, utcOffsetMinutes) }
}

export interface AttachInput {
  deposit_id: string
  /** the payment to credit; for a held deposit, its own payment when absent */
  crypto_payment_id: string | null
  actor: string | null
  note: string | null
}

export interface DecisionInput {
  deposit_id: string
  actor: string | null
  note: string | null
}

/**
 * Credits a held, orphaned or parked deposit to a payment. Refused, changing nothing, when the WaaS does not
 * report it successful, for a deposit not waiting for a decision, a canceled target, another coin, or an amount
 * the coin cannot have.
 */
export async function attachDeposit(
  trx: Knex.Transaction,
  input: AttachInput & { waas: WaasReading },
  o: ApplyOptions,
): Promise<DepositApplication> {
  const row = await lockDepositAwaitingDecision(trx, input.deposit_id)
  const facts = requireReceived(row, input.waas, "attached")
  const targetId = input.crypto_payment_id ?? (row.status === "held" ? row.crypto_payment_id : null)
  if (!targetId) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `deposit ${row.id} is an orphan: name the order (or payment) to attach it to`)
  }
  const target = await lockPayment(trx, targetId)
  if (!target) throw new MedusaError(MedusaError.Types.NOT_FOUND, `crypto payment ${targetId} does not exist`)
  if (target.status === "canceled") {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `crypto payment ${target.id} is canceled; a deposit cannot be attached to it`)
  }
  if (target.symbol !== facts.symbol) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `deposit ${row.id} is ${facts.symbol} but crypto payment ${target.id} is quoted in ${target.symbol}; mark it for refund instead`,
    )
  }
  if (!isCreditableAmount(facts.amount, target.decimals)) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `deposit ${row.id} has an amount (${facts.amount}) that ${target.symbol} cannot carry; mark it for refund instead`,
    )
  }
  DepositMachine.assertTransition(row.status, "credited")
  const credited = await insertCredit(trx, {
    waas_deposit_id: row.waas_deposit_id,
    deposit_id: row.id,
    crypto_payment_id: target.id,
    symbol: facts.symbol,
    amount: facts.amount,
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
    facts,
    now: o.now,
  })
  // the payment the deposit was held for (if another) loses a held deposit: re-derive it too
  if (row.crypto_payment_id && row.crypto_payment_id !== target.id && row.status === "held") {
    const previous = await lockPayment(trx, row.crypto_payment_id)
    if (previous && previous.status !== "canceled") await resettle(sqlLedgerOps(trx), previous, o)
  }
  const payment = await resettle(sqlLedgerOps(trx), target, o)
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

/** An admin decides a deposit the WaaS reports received goes back to its sender (the withdrawal flow pays it). */
export async function markDepositForRefund(
  trx: Knex.Transaction,
  input: DecisionInput & { waas: WaasReading },
  o: ApplyOptions,
): Promise<DepositApplication> {
  const row = await lockDepositAwaitingDecision(trx, input.deposit_id)
  const facts = requireReceived(row, input.waas, "marked for refund")
  DepositMachine.assertTransition(row.status, "refund_pending")
  await recordDepositResolution(trx, {
    id: row.id,
    from: row.status,
    to: "refund_pending",
    crypto_payment_id: row.crypto_payment_id,
    resolution: "mark_for_refund",
    resolved_by: input.actor,
    note: input.note,
    facts,
    now: o.now,
  })
  let payment: PaymentChange | null = null
  if (row.status === "held" && row.crypto_payment_id) {
    const held = await lockPayment(trx, row.crypto_payment_id)
    if (held && held.status !== "canceled") payment = await resettle(sqlLedgerOps(trx), held, o)
  }
  return { deposit_id: row.id, waas_deposit_id: row.waas_deposit_id, before: row.status, after: "refund_pending", payment, credited_now: false, events: [] }
}

/**
 * An admin has dealt with a reversal (the order held, the shopper asked for the rest, ...): it leaves the review
 * queue. The deposit stays reversed and its ledger as it is; who and when are recorded.
 */
export async function acknowledgeReversal(trx: Knex.Transaction, input: DecisionInput, o: ApplyOptions): Promise<DepositApplication> {
  const row = await lockDepositById(trx, input.deposit_id)
  if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `deposit ${input.deposit_id} does not exist`)
  if (row.status !== "reversed") {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `deposit ${row.id} is ${row.status}; only a reversed deposit is acknowledged`)
  }
  await recordDepositResolution(trx, {
    id: row.id,
    from: "reversed",
    to: "reversed",
    crypto_payment_id: row.crypto_payment_id,
    resolution: "acknowledged",
    resolved_by: input.actor,
    note: input.note,
    now: o.now,
  })
  return { deposit_id: row.id, waas_deposit_id: row.waas_deposit_id, before: "reversed", after: "reversed", payment: null, credited_now: false, events: [] }
}

/** Refuses a decision on a deposit that is not waiting for one (also checked before the WaaS is asked). */
export function assertAwaitingDecision(row: { id: string; status: DepositLedgerStatus }): void {
  if (!DEPOSIT_STATUSES_AWAITING_DECISION.includes(row.status)) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `deposit ${row.id} is ${row.status}; only held, orphaned or needs_review deposits wait for an admin's decision`,
    )
  }
}

async function lockDepositAwaitingDecision(trx: Knex.Transaction, id: string): Promise<DepositRow> {
  const row = await lockDepositById(trx, id)
  if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `deposit ${id} does not exist`)
  assertAwaitingDecision(row)
  return row
}

/** The WaaS's current facts of a deposit it reports successful, or the refusal (400) that changes nothing. */
function requireReceived(row: DepositRow, waas: WaasReading, done: string): DepositFactsRow {
  const refuse = (why: string) =>
    new MedusaError(MedusaError.Types.INVALID_DATA, `deposit ${row.id} cannot be ${done}: ${why}; nothing was changed`)
  if (waas.kind === "missing") throw refuse(`the WaaS does not know deposit ${row.waas_deposit_id}`)
  if (waas.kind === "unreadable") throw refuse(`the WaaS's record of it does not read (${waas.problems.join("; ")})`)
  if (waas.facts.waas_deposit_id !== row.waas_deposit_id) throw refuse(`the WaaS answered for another deposit`)
  if (waas.facts.waas_status !== DepositStatus.SUCCESS) {
    throw refuse(
      `the WaaS reports status ${describeWaasStatus(waas.facts.waas_status)} for it, and only a deposit it reports ` +
        `successful (1) has arrived`,
    )
  }
  return waas.facts
}
