import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { CryptoPaymentStatus } from "../checkout/payment-states"
import { holderSubquery } from "./address-holder-sql"
import type { DepositLedgerStatus, DepositTiming } from "./deposit-states"
import { CREDIT_TABLE, DEPOSIT_COLUMNS, DEPOSIT_TABLE, PAYMENT_COLUMNS, PAYMENT_TABLE, type DepositFactsRow, type DepositRow, type PaymentRow } from "./ledger-sql"
import { newEntityId } from "../entity-id"

/**
 * The SQL of a page applied set-based (page-ledger.ts), each a statement for the whole page, all in the page's one
 * transaction. Rows are locked in id order (deposits, then payments), the same order as everywhere else.
 */

/** First sightings of the page, in WaaS id order: the WaaS ids this statement inserted. */
export async function insertPageDeposits(trx: Knex.Transaction, facts: readonly DepositFactsRow[], source: string, now: Date): Promise<Set<string>> {
  if (facts.length === 0) return new Set()
  const col = <K extends keyof DepositFactsRow>(k: K) => facts.map((f) => f[k])
  const result = await trx.raw<{ rows: Array<{ waas_deposit_id: string }> }>(
    `INSERT INTO ${DEPOSIT_TABLE}
       (id, waas_deposit_id, symbol, address_to, amount, txid, confirmations, waas_status, waas_created_at,
        waas_updated_at, status, last_source, created_at, updated_at)
     SELECT n.id, n.waas_deposit_id, n.symbol, n.address_to, n.amount, n.txid, n.confirmations, n.waas_status,
            n.waas_created_at, n.waas_updated_at, 'pending', :source, :now, :now
       FROM unnest(CAST(:ids AS text[]), CAST(:waas AS text[]), CAST(:symbols AS text[]), CAST(:addresses AS text[]),
                   CAST(:amounts AS text[]), CAST(:txids AS text[]), CAST(:confirmations AS int[]), CAST(:statuses AS int[]),
                   CAST(:created AS timestamptz[]), CAST(:updated AS timestamptz[]))
            WITH ORDINALITY AS n(id, waas_deposit_id, symbol, address_to, amount, txid, confirmations, waas_status,
                                 waas_created_at, waas_updated_at, ord)
      ORDER BY n.ord
     ON CONFLICT (waas_deposit_id) WHERE deleted_at IS NULL DO NOTHING
     RETURNING waas_deposit_id`,
    {
      ids: facts.map(() => newEntityId("wdep")),
      waas: col("waas_deposit_id"),
      symbols: col("symbol"),
      addresses: col("address_to"),
      amounts: col("amount"),
      txids: col("txid"),
      confirmations: col("confirmations"),
      statuses: col("waas_status"),
      created: col("waas_created_at"),
      updated: col("waas_updated_at"),
      source,
      now,
    },
  )
  return new Set(result.rows.map((r) => r.waas_deposit_id))
}

export async function lockPageDeposits(trx: Knex.Transaction, waasIds: readonly string[]): Promise<DepositRow[]> {
  const result = await trx.raw<{ rows: DepositRow[] }>(
    `SELECT ${DEPOSIT_COLUMNS} FROM ${DEPOSIT_TABLE}
      WHERE waas_deposit_id = ANY(CAST(:ids AS text[])) AND deleted_at IS NULL ORDER BY id FOR UPDATE`,
    { ids: [...waasIds] },
  )
  return result.rows
}

/** findAddressHolder for every (address, time) of the page in one statement: the same subquery, joined laterally. */
export async function findPageHolders(
  trx: Knex.Transaction,
  lookups: ReadonlyArray<{ address: string; at: Date }>,
  graceSeconds: number,
): Promise<Array<string | null>> {
  if (lookups.length === 0) return []
  const result = await trx.raw<{ rows: Array<{ ord: string; id: string | null }> }>(
    `SELECT q.ord, h.id
       FROM unnest(CAST(:addresses AS text[]), CAST(:ats AS timestamptz[])) WITH ORDINALITY AS q(address, at, ord)
       LEFT JOIN LATERAL (${holderSubquery("q.address", "q.at", ":grace")}) h ON true`,
    { addresses: lookups.map((l) => l.address), ats: lookups.map((l) => l.at), grace: graceSeconds },
  )
  const out: Array<string | null> = lookups.map(() => null)
  for (const r of result.rows) out[Number(r.ord) - 1] = r.id
  return out
}

export interface EntryRow {
  id: string
  waas_deposit_id: string
  entry: "credit" | "reversal"
  crypto_payment_id: string
  amount: string
  symbol: string
}

/** The ledger entries of the page's deposits and of the payments involved. */
export async function readEntries(trx: Knex.Transaction, args: { waasIds: readonly string[]; paymentIds: readonly string[] }): Promise<EntryRow[]> {
  const result = await trx.raw<{ rows: EntryRow[] }>(
    `SELECT id, waas_deposit_id, entry, crypto_payment_id, amount, symbol FROM ${CREDIT_TABLE}
      WHERE (waas_deposit_id = ANY(CAST(:waas AS text[])) OR crypto_payment_id = ANY(CAST(:payments AS text[]))) AND deleted_at IS NULL`,
    { waas: [...args.waasIds], payments: [...args.paymentIds] },
  )
  return result.rows
}

export async function lockPagePayments(trx: Knex.Transaction, ids: readonly string[]): Promise<PaymentRow[]> {
  if (ids.length === 0) return []
  const result = await trx.raw<{ rows: PaymentRow[] }>(
    `SELECT ${PAYMENT_COLUMNS} FROM ${PAYMENT_TABLE} WHERE id = ANY(CAST(:ids AS text[])) AND deleted_at IS NULL ORDER BY id FOR UPDATE`,
    { ids: [...ids] },
  )
  return result.rows.map((row) => ({ ...row, decimals: Number(row.decimals) }))
}

export interface LinkedDeposit {
  id: string
  crypto_payment_id: string | null
  status: DepositLedgerStatus
  amount: string
  timing: DepositTiming | null
}

/** The deposits that count on the payments involved (readPaymentLedger's held and pending ones), as rows. */
export async function readLinkedDeposits(trx: Knex.Transaction, paymentIds: readonly string[]): Promise<LinkedDeposit[]> {
  if (paymentIds.length === 0) return []
  const result = await trx.raw<{ rows: LinkedDeposit[] }>(
    `SELECT id, crypto_payment_id, status, amount, timing FROM ${DEPOSIT_TABLE}
      WHERE crypto_payment_id = ANY(CAST(:ids AS text[])) AND deleted_at IS NULL`,
    { ids: [...paymentIds] },
  )
  return result.rows
}

/** The page's deposit rows as the rules left them; each only if still in the status it was locked in. */
export async function writePageDeposits(
  trx: Knex.Transaction,
  rows: ReadonlyArray<{ row: DepositRow; locked: DepositLedgerStatus; source: string }>,
  now: Date,
): Promise<number> {
  if (rows.length === 0) return 0
  const col = <K extends keyof DepositRow>(k: K) => rows.map((r) => r.row[k])
  const result = await trx.raw<{ rowCount: number }>(
    `UPDATE ${DEPOSIT_TABLE} d
        SET status = u.status, crypto_payment_id = u.crypto_payment_id, timing = u.timing, orphan_reason = u.orphan_reason,
            review_reason = u.review_reason, symbol = u.symbol, address_to = u.address_to, amount = u.amount, txid = u.txid,
            confirmations = u.confirmations, waas_status = u.waas_status, waas_updated_at = u.waas_updated_at,
            last_source = u.source, updated_at = :now
       FROM unnest(CAST(:ids AS text[]), CAST(:locked AS text[]), CAST(:statuses AS text[]), CAST(:payments AS text[]),
                   CAST(:timings AS text[]), CAST(:orphans AS text[]), CAST(:reviews AS text[]), CAST(:symbols AS text[]),
                   CAST(:addresses AS text[]), CAST(:amounts AS text[]), CAST(:txids AS text[]), CAST(:confirmations AS int[]),
                   CAST(:waas_statuses AS int[]), CAST(:updated AS timestamptz[]), CAST(:sources AS text[]))
            AS u(id, locked, status, crypto_payment_id, timing, orphan_reason, review_reason, symbol, address_to, amount,
                 txid, confirmations, waas_status, waas_updated_at, source)
      WHERE d.id = u.id AND d.status = u.locked AND d.deleted_at IS NULL`,
    {
      ids: col("id"),
      locked: rows.map((r) => r.locked),
      statuses: col("status"),
      payments: col("crypto_payment_id"),
      timings: col("timing"),
      orphans: col("orphan_reason"),
      reviews: col("review_reason"),
      symbols: col("symbol"),
      addresses: col("address_to"),
      amounts: col("amount"),
      txids: col("txid"),
      confirmations: col("confirmations"),
      waas_statuses: col("waas_status"),
      updated: col("waas_updated_at"),
      sources: rows.map((r) => r.source),
      now,
    },
  )
  return result.rowCount
}

export interface NewEntry {
  id: string
  waas_deposit_id: string
  deposit_id: string
  crypto_payment_id: string
  entry: "credit" | "reversal"
  reverses_id: string | null
  symbol: string
  amount: string
  late: boolean
  source: string
  credited_by: string | null
}

/** The page's new ledger entries; the unique (waas_deposit_id, entry) index still has the last word: the count inserted. */
export async function insertPageEntries(trx: Knex.Transaction, entries: readonly NewEntry[], now: Date): Promise<number> {
  if (entries.length === 0) return 0
  const col = <K extends keyof NewEntry>(k: K) => entries.map((e) => e[k])
  const result = await trx.raw<{ rowCount: number }>(
    `INSERT INTO ${CREDIT_TABLE}
       (id, waas_deposit_id, deposit_id, crypto_payment_id, entry, reverses_id, symbol, amount, late, source, credited_by, created_at, updated_at)
     SELECT e.id, e.waas_deposit_id, e.deposit_id, e.crypto_payment_id, e.entry, e.reverses_id, e.symbol, e.amount, e.late,
            e.source, e.credited_by, :now, :now
       FROM unnest(CAST(:ids AS text[]), CAST(:waas AS text[]), CAST(:deposits AS text[]), CAST(:payments AS text[]),
                   CAST(:kinds AS text[]), CAST(:reverses AS text[]), CAST(:symbols AS text[]), CAST(:amounts AS text[]),
                   CAST(:lates AS boolean[]), CAST(:sources AS text[]), CAST(:by AS text[])) WITH ORDINALITY
            AS e(id, waas_deposit_id, deposit_id, crypto_payment_id, entry, reverses_id, symbol, amount, late, source, credited_by, ord)
      ORDER BY e.ord
     ON CONFLICT (waas_deposit_id, entry) WHERE deleted_at IS NULL DO NOTHING`,
    {
      ids: col("id"),
      waas: col("waas_deposit_id"),
      deposits: col("deposit_id"),
      payments: col("crypto_payment_id"),
      kinds: col("entry"),
      reverses: col("reverses_id"),
      symbols: col("symbol"),
      amounts: col("amount"),
      lates: col("late"),
      sources: col("source"),
      by: col("credited_by"),
      now,
    },
  )
  return result.rowCount
}

/** The payments' settlements; each only if still in the status it was locked in. */
export async function writePagePayments(
  trx: Knex.Transaction,
  rows: ReadonlyArray<{ id: string; locked: CryptoPaymentStatus; status: CryptoPaymentStatus; received: string; pending: string; excess: string }>,
  now: Date,
): Promise<number> {
  if (rows.length === 0) return 0
  const result = await trx.raw<{ rowCount: number }>(
    `UPDATE ${PAYMENT_TABLE} p
        SET status = u.status, amount_received = u.received, amount_pending = u.pending, amount_excess = u.excess, updated_at = :now
       FROM unnest(CAST(:ids AS text[]), CAST(:locked AS text[]), CAST(:statuses AS text[]), CAST(:received AS text[]),
                   CAST(:pending AS text[]), CAST(:excess AS text[])) AS u(id, locked, status, received, pending, excess)
      WHERE p.id = u.id AND p.status = u.locked AND p.deleted_at IS NULL`,
    {
      ids: rows.map((r) => r.id),
      locked: rows.map((r) => r.locked),
      statuses: rows.map((r) => r.status),
      received: rows.map((r) => r.received),
      pending: rows.map((r) => r.pending),
      excess: rows.map((r) => r.excess),
      now,
    },
  )
  return result.rowCount
}
