import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { CryptoPaymentStatus } from "../checkout/payment-states"
import type { DepositLedgerStatus, DepositTiming, OrphanReason } from "./deposit-states"
import { newEntityId } from "../entity-id"
import { preparedRaw } from "../prepared-sql"

/**
 * Row-level SQL of the deposit ledger. Every function takes the caller's transaction: the application of a
 * deposit reads and writes under row locks taken in one order everywhere (the deposit row first, then the
 * payment row), so two applications of the same deposit, or of two deposits to one payment, serialise
 * instead of deadlocking.
 */
export const DEPOSIT_TABLE = "waas_deposit"
export const CREDIT_TABLE = "waas_deposit_credit"
export const PAYMENT_TABLE = "waas_crypto_payment"

/**
 * A row was not in the state its lock said it was in: another writer got there (or a bug). Not the record's
 * fault, so it is retried like any transient failure, never parked.
 */
export class LedgerRaceError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "LedgerRaceError"
  }
}

/** The WaaS's facts about one deposit, already parsed and canonical. */
export interface DepositFactsRow {
  waas_deposit_id: string
  symbol: string
  address_to: string
  amount: string
  txid: string
  confirmations: number
  waas_status: number
  waas_created_at: Date
  waas_updated_at: Date
}

/** A ledger row: the WaaS's facts plus our decision about them. */
export interface DepositRow extends DepositFactsRow {
  id: string
  status: DepositLedgerStatus
  crypto_payment_id: string | null
  timing: DepositTiming | null
  orphan_reason: OrphanReason | null
  review_reason: string | null
}

export const DEPOSIT_COLUMNS = `id, waas_deposit_id, symbol, address_to, amount, txid, confirmations, waas_status, waas_created_at,
  waas_updated_at, status, crypto_payment_id, timing, orphan_reason, review_reason`

/** First sighting: a row in `pending`; a concurrent first sighting waits on the unique index and inserts nothing. */
export async function insertDepositIfNew(
  trx: Knex.Transaction,
  facts: DepositFactsRow,
  source: string,
  now: Date,
): Promise<boolean> {
  const result = await preparedRaw<{ rowCount: number }>(
    trx,
    "deposit_insert_v1",
    `INSERT INTO ${DEPOSIT_TABLE}
       (id, waas_deposit_id, symbol, address_to, amount, txid, confirmations, waas_status, waas_created_at,
        waas_updated_at, status, last_source, created_at, updated_at)
     VALUES (:id, :waas_deposit_id, :symbol, :address_to, :amount, :txid, :confirmations, :waas_status,
        :waas_created_at, :waas_updated_at, 'pending', :source, :now, :now)
     ON CONFLICT (waas_deposit_id) WHERE deleted_at IS NULL DO NOTHING`,
    { id: newEntityId("wdep"), ...facts, source, now },
  )
  return result.rowCount > 0
}

export async function lockDepositByWaasId(trx: Knex.Transaction, waasDepositId: string): Promise<DepositRow | null> {
  const result = await preparedRaw<{ rows: DepositRow[] }>(
    trx,
    "deposit_lock_by_waas_id_v1",
    `SELECT ${DEPOSIT_COLUMNS} FROM ${DEPOSIT_TABLE} WHERE waas_deposit_id = ? AND deleted_at IS NULL FOR UPDATE`,
    [waasDepositId],
  )
  return result.rows[0] ?? null
}

export async function lockDepositById(trx: Knex.Transaction, id: string): Promise<DepositRow | null> {
  const result = await preparedRaw<{ rows: DepositRow[] }>(
    trx,
    "deposit_lock_v1",
    `SELECT ${DEPOSIT_COLUMNS} FROM ${DEPOSIT_TABLE} WHERE id = ? AND deleted_at IS NULL FOR UPDATE`,
    [id],
  )
  return result.rows[0] ?? null
}

/** Rewrites the WaaS facts and what the plugin made of them, only if the row is still in `from`. */
export async function updateDepositRow(
  trx: Knex.Transaction,
  args: {
    id: string
    from: DepositLedgerStatus
    to: DepositLedgerStatus
    facts: DepositFactsRow
    crypto_payment_id: string | null
    timing: DepositTiming | null
    orphan_reason: OrphanReason | null
    /** why it is in the review queue (needs_review, reversed); null otherwise */
    review_reason?: string | null
    source: string
    now: Date
  },
): Promise<void> {
  const result = await preparedRaw<{ rowCount: number }>(
    trx,
    "deposit_update_v1",
    `UPDATE ${DEPOSIT_TABLE}
        SET status = :to, crypto_payment_id = :crypto_payment_id, timing = :timing, orphan_reason = :orphan_reason,
            review_reason = :review_reason, symbol = :symbol, address_to = :address_to, amount = :amount, txid = :txid, confirmations = :confirmations, waas_status = :waas_status,
            waas_updated_at = :waas_updated_at, last_source = :source, updated_at = :now
      WHERE id = :id AND status = :from AND deleted_at IS NULL`,
    {
      id: args.id,
      from: args.from,
      to: args.to,
      crypto_payment_id: args.crypto_payment_id,
      timing: args.timing,
      orphan_reason: args.orphan_reason,
      review_reason: args.review_reason ?? null,
      symbol: args.facts.symbol,
      address_to: args.facts.address_to,
      amount: args.facts.amount,
      txid: args.facts.txid,
      confirmations: args.facts.confirmations,
      waas_status: args.facts.waas_status,
      waas_updated_at: args.facts.waas_updated_at,
      source: args.source,
      now: args.now,
    },
  )
  if (result.rowCount !== 1) throw new LedgerRaceError(`deposit ${args.id} changed under its row lock (expected status ${args.from})`)
}

/** Only the WaaS facts (confirmations, status) of a deposit whose outcome is already settled. */
export async function refreshDepositFacts(
  trx: Knex.Transaction,
  args: { id: string; facts: DepositFactsRow; source: string; now: Date },
): Promise<void> {
  await preparedRaw(
    trx,
    "deposit_refresh_facts_v1",
    `UPDATE ${DEPOSIT_TABLE}
        SET confirmations = :confirmations, waas_status = :waas_status, waas_updated_at = :waas_updated_at,
            last_source = :source, updated_at = :now
      WHERE id = :id AND deleted_at IS NULL`,
    {
      id: args.id,
      confirmations: args.facts.confirmations,
      waas_status: args.facts.waas_status,
      waas_updated_at: args.facts.waas_updated_at,
      source: args.source,
      now: args.now,
    },
  )
}

export async function recordDepositResolution(
  trx: Knex.Transaction,
  args: {
    id: string
    from: DepositLedgerStatus
    to: DepositLedgerStatus
    crypto_payment_id: string | null
    resolution: "attached" | "mark_for_refund" | "acknowledged"
    resolved_by: string | null
    note: string | null
    /** the WaaS's facts as re-read for the decision: they replace the stored ones */
    facts?: DepositFactsRow
    now: Date
  },
): Promise<void> {
  const { facts, ...rest } = args
  const refresh = facts
    ? `, symbol = :symbol, address_to = :address_to, amount = :amount, txid = :txid, confirmations = :confirmations,
       waas_status = :waas_status, waas_updated_at = :waas_updated_at`
    : ""
  const result = await trx.raw<{ rowCount: number }>(
    `UPDATE ${DEPOSIT_TABLE}
        SET status = :to, crypto_payment_id = :crypto_payment_id, resolution = :resolution, resolved_by = :resolved_by,
            resolved_at = :now, resolution_note = :note, last_source = 'admin', updated_at = :now${refresh}
      WHERE id = :id AND status = :from AND deleted_at IS NULL`,
    { ...rest, ...(facts && { ...facts }) },
  )
  if (result.rowCount !== 1) throw new LedgerRaceError(`deposit ${args.id} changed under its row lock (expected status ${args.from})`)
}

export interface PaymentRow {
  id: string
  payment_session_id: string
  order_id: string | null
  status: CryptoPaymentStatus
  symbol: string
  address: string
  decimals: number
  amount_due: string
  expires_at: Date
  monitor_until: Date
  /** when Medusa's payment was marked captured; null while it is not */
  medusa_captured_at: Date | null
}

export const PAYMENT_COLUMNS =
  "id, payment_session_id, order_id, status, symbol, address, decimals, amount_due, expires_at, monitor_until, medusa_captured_at"

export async function lockPayment(trx: Knex.Transaction, id: string): Promise<PaymentRow | null> {
  const result = await preparedRaw<{ rows: PaymentRow[] }>(
    trx,
    "payment_lock_v1",
    `SELECT ${PAYMENT_COLUMNS} FROM ${PAYMENT_TABLE} WHERE id = ? AND deleted_at IS NULL FOR UPDATE`,
    [id],
  )
  const row = result.rows[0]
  return row ? { ...row, decimals: Number(row.decimals) } : null
}

/**
 * THE exactly-once point: one credit entry per WaaS deposit id, enforced by the unique index. Returns false
 * when the deposit had already been applied (by anyone, whatever they read before).
 */
export async function insertCredit(
  trx: Knex.Transaction,
  args: {
    waas_deposit_id: string
    deposit_id: string
    crypto_payment_id: string
    symbol: string
    amount: string
    late: boolean
    source: string
    credited_by: string | null
    now: Date
  },
): Promise<boolean> {
  const result = await preparedRaw<{ rowCount: number }>(
    trx,
    "credit_insert_v1",
    `INSERT INTO ${CREDIT_TABLE}
       (id, waas_deposit_id, deposit_id, crypto_payment_id, entry, symbol, amount, late, source, credited_by, created_at, updated_at)
     VALUES (:id, :waas_deposit_id, :deposit_id, :crypto_payment_id, 'credit', :symbol, :amount, :late, :source, :credited_by, :now, :now)
     ON CONFLICT (waas_deposit_id, entry) WHERE deleted_at IS NULL DO NOTHING`,
    { id: newEntityId("wdcr"), ...args },
  )
  return result.rowCount === 1
}

export interface LedgerRows {
  credits: string[]
  reversals: string[]
  held: number
  pending: string[]
}

/** What a payment's status is derived from: its ledger entries, its held deposits, its unfinished deposits. */
export async function readPaymentLedger(trx: Knex.Transaction, paymentId: string): Promise<LedgerRows> {
  // one round trip: the payment's ledger entries (in their order) and the deposits that count on it
  const result = await preparedRaw<{ rows: Array<{ kind: "entry" | "deposit"; status: string; amount: string }> }>(
    trx,
    "payment_ledger_v1",
    `SELECT kind, status, amount FROM (
        SELECT 'entry' AS kind, entry::text AS status, amount, created_at, id
          FROM ${CREDIT_TABLE} WHERE crypto_payment_id = :id AND deleted_at IS NULL
        UNION ALL
        SELECT 'deposit', status::text, amount, NULL, NULL
          FROM ${DEPOSIT_TABLE}
         WHERE crypto_payment_id = :id AND deleted_at IS NULL
           AND (status = 'held' OR (status IN ('pending', 'compliance_review') AND timing IN ('on_time', 'late')))
     ) ledger
     ORDER BY kind DESC, created_at, id`,
    { id: paymentId },
  )
  const entries = result.rows.filter((r) => r.kind === "entry")
  const deposits = result.rows.filter((r) => r.kind === "deposit")
  return {
    credits: entries.filter((r) => r.status === "credit").map((r) => r.amount),
    reversals: entries.filter((r) => r.status === "reversal").map((r) => r.amount),
    held: deposits.filter((r) => r.status === "held").length,
    pending: deposits.filter((r) => r.status !== "held").map((r) => r.amount),
  }
}

export async function updatePaymentSettlement(
  trx: Knex.Transaction,
  args: {
    id: string
    from: CryptoPaymentStatus
    to: CryptoPaymentStatus
    amount_received: string
    amount_pending: string
    amount_excess: string
    now: Date
  },
): Promise<void> {
  const result = await preparedRaw<{ rowCount: number }>(
    trx,
    "payment_settle_v1",
    `UPDATE ${PAYMENT_TABLE}
        SET status = :to, amount_received = :amount_received, amount_pending = :amount_pending,
            amount_excess = :amount_excess, updated_at = :now
      WHERE id = :id AND status = :from AND deleted_at IS NULL`,
    { ...args },
  )
  if (result.rowCount !== 1) throw new LedgerRaceError(`crypto payment ${args.id} changed under its row lock (expected status ${args.from})`)
}
