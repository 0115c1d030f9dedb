import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { BigNumber, trimZeros } from "@medusajs/framework/utils"
import { PoolAddressMachine } from "../pool/address-states"
import { claimPickedCte, pickAddressCtes } from "../pool/pick-address-sql"
import { PAYMENT_TABLE, POOL_TABLE } from "../pool/pool-sql"
import type { CryptoPaymentDTO } from "../types"
import { preparedRaw } from "../prepared-sql"
import { cartLockKey } from "./cart-address"

/**
 * A new crypto payment row as checkout writes it. The address columns come from the claim (the fast path) or
 * from the cart's previous payment (a takeover, cart-address.ts).
 */
export interface NewPaymentRow {
  id: string
  payment_session_id: string
  payment_collection_id: string | null
  symbol: string
  network: string
  /** exact decimal string of the fiat amount (a Medusa bigNumber column: numeric + raw_ jsonb) */
  fiat_amount: string
  currency_code: string
  amount_due: string
  rate: string
  rate_source: string
  rate_at: Date
  decimals: number
  expires_at: Date
  monitor_until: Date
  session_binding: string
}

/** The address part of a payment row, for an insert that does not claim (the cart's takeover). */
export interface PaymentAddress {
  address: string
  memo: string | null
  pool_address_id: string
  address_assigned_at: Date
  address_free_since: Date | null
}

/** what the one-statement claim found */
export type ClaimOutcome =
  | { kind: "inserted"; payment: CryptoPaymentDTO }
  /** the session already has its payment (idempotency): nothing was written */
  | { kind: "existing"; payment: CryptoPaymentDTO }
  /** the cart already has payments: the takeover rules decide (cart-address.ts); nothing was written */
  | { kind: "cart" }
  /** no address is free in the pool: nothing was written */
  | { kind: "empty" }

/**
 * Every column of waas_crypto_payment, named: the claim is a prepared statement (prepared-sql.ts), which must not
 * select `*` from a table. A module spec checks this list against the table, so a migration that adds a column
 * and forgets it here fails there.
 */
export const PAYMENT_ROW_COLUMNS = `id, payment_session_id, payment_collection_id, address_handed_over_to, cart_first, order_id, symbol, network, address,
  address_assigned_at, address_free_since, memo, pool_address_id, fiat_amount, raw_fiat_amount, currency_code, amount_due, rate,
  rate_source, rate_at, decimals, expires_at, monitor_until, status, amount_received, amount_pending, amount_excess,
  medusa_captured_at, session_binding, created_at, updated_at, deleted_at`

/**
 * The columns and values of an insert, with explicit types: an INSERT … SELECT gives untyped parameters no
 * type from its target columns. The fiat amount is written as the ORM writes a bigNumber column: the numeric
 * and its raw form (trailing zeros trimmed, precision 20), so a row read back is the ORM's byte for byte.
 */
function insertValues(row: NewPaymentRow): { columns: string; values: string; bindings: Record<string, unknown> } {
  const fiat = new BigNumber(row.fiat_amount)
  const raw = fiat.raw as { value: string; precision: number }
  const rawFiat = { ...raw, value: trimZeros(String(raw.value)) }
  return {
    columns: `id, payment_session_id, payment_collection_id, symbol, network, fiat_amount, raw_fiat_amount, currency_code,
              amount_due, rate, rate_source, rate_at, decimals, expires_at, monitor_until, status, amount_received,
              amount_pending, session_binding`,
    values: `CAST(:id AS text), CAST(:payment_session_id AS text), CAST(:payment_collection_id AS text), CAST(:symbol AS text),
             CAST(:network AS text), CAST(:fiat_numeric AS numeric), CAST(:raw_fiat_amount AS jsonb), CAST(:currency_code AS text),
             CAST(:amount_due AS text), CAST(:rate AS text), CAST(:rate_source AS text), CAST(:rate_at AS timestamptz),
             CAST(:decimals AS integer), CAST(:expires_at AS timestamptz), CAST(:monitor_until AS timestamptz), 'awaiting_payment', '0',
             '0', CAST(:session_binding AS text)`,
    bindings: { ...row, fiat_numeric: String(fiat.numeric), raw_fiat_amount: JSON.stringify(rawFiat) },
  }
}

/** the unique index that allows one first payment per cart (cart_first) */
export const CART_FIRST_INDEX = "IDX_waas_crypto_payment_cart_first"

/**
 * Idempotency, claim and insert in ONE statement (data-modifying CTEs): if the session has no payment yet
 * and its cart (when given) has none either, an address is picked and locked (pick-address-sql.ts), marked
 * assigned, and the payment row inserted with it (cart_first when it has a cart), returned as stored.
 * Otherwise it writes nothing and says why. A cart with payments goes the takeover path (cart-address.ts).
 *
 * A cart's session takes the cart's advisory lock inside the statement, before any address is picked. The
 * statement's snapshot is older than the lock, so a first payment that a concurrent session of the cart
 * committed meanwhile is invisible to it; the unique index on cart_first is what catches that one: this insert
 * then fails (isCartFirstConflict), the whole statement with it, and the caller goes the takeover path. Atomic on
 * its own; inside a transaction it joins it (there the cart's lock is taken by an earlier statement, lockCart).
 */
export async function claimAndInsertPayment(
  db: Knex,
  row: NewPaymentRow,
  args: { now: Date },
): Promise<ClaimOutcome> {
  PoolAddressMachine.assertTransition("available", "assigned")
  const { columns, values, bindings } = insertValues(row)
  const result = await preparedRaw<{ rows: Array<Record<string, unknown> & { claim_outcome: ClaimOutcome["kind"] }> }>(
    db,
    "claim_payment_v2",
    `WITH existing AS (
        SELECT ${PAYMENT_ROW_COLUMNS} FROM ${PAYMENT_TABLE} WHERE payment_session_id = :sessionId AND deleted_at IS NULL),
     cart_lock AS (
        SELECT pg_advisory_xact_lock(hashtext(CAST(:cartLockKey AS text))) FROM (SELECT 1) one
         WHERE CAST(:payment_collection_id AS text) IS NOT NULL),
     cart AS (
        SELECT 1 FROM ${PAYMENT_TABLE}
         WHERE CAST(:payment_collection_id AS text) IS NOT NULL AND payment_collection_id = :payment_collection_id
           AND deleted_at IS NULL
         LIMIT 1),
     ${pickAddressCtes(
       POOL_TABLE,
       `(CAST(:payment_collection_id AS text) IS NULL OR EXISTS (SELECT 1 FROM cart_lock))
        AND NOT EXISTS (SELECT 1 FROM existing) AND NOT EXISTS (SELECT 1 FROM cart)`,
     )},
     ${claimPickedCte(POOL_TABLE)},
     inserted AS (
        INSERT INTO ${PAYMENT_TABLE} (${columns}, address, memo, pool_address_id, address_assigned_at, address_free_since, cart_first)
        SELECT ${values}, c.address, c.memo, c.id, CAST(:now AS timestamptz), c.free_since,
               CAST(:payment_collection_id AS text) IS NOT NULL
          FROM claimed c
        RETURNING ${PAYMENT_ROW_COLUMNS})
     SELECT 'inserted' AS claim_outcome, i.* FROM inserted i
     UNION ALL SELECT 'existing', e.* FROM existing e
     UNION ALL SELECT 'cart', e.* FROM cart LEFT JOIN existing e ON false WHERE NOT EXISTS (SELECT 1 FROM existing)`,
    {
      ...bindings,
      sessionId: row.payment_session_id,
      paymentId: row.id,
      symbol: row.symbol,
      now: args.now,
      cartLockKey: row.payment_collection_id ? cartLockKey(row.payment_collection_id) : null,
    },
  )
  const first = result.rows[0]
  if (!first) return { kind: "empty" }
  if (first.claim_outcome === "cart") return { kind: "cart" }
  return { kind: first.claim_outcome, payment: paymentFromRow(first) }
}

/** The claim lost the race for its cart's first payment (a concurrent session of the cart inserted it). */
export function isCartFirstConflict(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null
  return e?.code === "23505" && e.constraint === CART_FIRST_INDEX
}

/** Inserts a payment row whose address is already settled (the cart's takeover); returns it as stored. */
export async function insertPaymentRow(db: Knex.Transaction, row: NewPaymentRow, address: PaymentAddress): Promise<CryptoPaymentDTO> {
  const { columns, values, bindings } = insertValues(row)
  const result = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `INSERT INTO ${PAYMENT_TABLE} (${columns}, address, memo, pool_address_id, address_assigned_at, address_free_since)
     SELECT ${values}, CAST(:address AS text), CAST(:memo AS text), CAST(:pool_address_id AS text),
            CAST(:address_assigned_at AS timestamptz), CAST(:address_free_since AS timestamptz)
     RETURNING *`,
    { ...bindings, ...address },
  )
  return paymentFromRow(result.rows[0])
}

/**
 * A payment row as the module's generated CRUD returns it (what retrieveCryptoPayment gives): node-postgres
 * already yields Dates, numbers and the raw jsonb; the bigNumber column is the ORM's number, derived from
 * its raw value as the ORM derives it.
 */
export function paymentFromRow(row: Record<string, unknown>): CryptoPaymentDTO {
  const { claim_outcome: _outcome, ...columns } = row
  const raw = columns.raw_fiat_amount as { value: string; precision: number }
  return { ...columns, fiat_amount: new BigNumber(raw.value, { precision: raw.precision }).numeric } as unknown as CryptoPaymentDTO
}
