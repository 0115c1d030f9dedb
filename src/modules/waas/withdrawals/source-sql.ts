import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { ExactDecimal, formatDecimal } from "../../../protocol"
import type { CryptoPaymentStatus } from "../checkout/payment-states"
import { lockDepositById, type DepositRow } from "../deposits/ledger-sql"

/**
 * What a refund is drawn from, read under a row lock (FOR UPDATE) by the request that draws on it: two
 * requests against one payment or deposit serialise here, so the second sees the first in flight. Reads
 * only: the payment's and the deposit's own columns belong to checkout/ and deposits/.
 */
export interface RefundablePayment {
  id: string
  payment_session_id: string
  order_id: string | null
  status: CryptoPaymentStatus
  symbol: string
  network: string
  decimals: number
  pool_address_id: string
  fiat_amount: string
  currency_code: string
  rate: string
  rate_source: string
  rate_at: Date
  amount_received: string
  amount_excess: string
}

export async function lockRefundablePayment(trx: Knex.Transaction, id: string): Promise<RefundablePayment | null> {
  // raw_fiat_amount keeps Medusa's exact bigNumber; fiat_amount is its numeric shadow
  const result = await trx.raw<{ rows: Array<RefundablePayment & { raw_fiat: string | null }> }>(
    `SELECT id, payment_session_id, order_id, status, symbol, network, decimals, pool_address_id,
            fiat_amount::text AS fiat_amount, raw_fiat_amount->>'value' AS raw_fiat, currency_code, rate, rate_source,
            rate_at, amount_received, amount_excess
       FROM waas_crypto_payment WHERE id = ? AND deleted_at IS NULL FOR UPDATE`,
    [id],
  )
  const row = result.rows[0]
  if (!row) return null
  const { raw_fiat, ...rest } = row
  return { ...rest, fiat_amount: raw_fiat ?? row.fiat_amount, decimals: Number(row.decimals) }
}

/** the crypto payment of an order (the most recent settled one when there were several sessions) */
export async function findPaymentIdOfOrder(db: Knex, orderId: string): Promise<string | null> {
  const result = await db.raw<{ rows: Array<{ id: string }> }>(
    `SELECT id FROM waas_crypto_payment WHERE order_id = ? AND deleted_at IS NULL
      ORDER BY (status IN ('paid', 'overpaid')) DESC, created_at DESC LIMIT 1`,
    [orderId],
  )
  return result.rows[0]?.id ?? null
}

export async function findPaymentIdBySession(db: Knex, sessionId: string): Promise<string | null> {
  const result = await db.raw<{ rows: Array<{ id: string }> }>(
    `SELECT id FROM waas_crypto_payment WHERE payment_session_id = ? AND deleted_at IS NULL`,
    [sessionId],
  )
  return result.rows[0]?.id ?? null
}

export async function lockRefundableDeposit(trx: Knex.Transaction, id: string): Promise<DepositRow | null> {
  return lockDepositById(trx, id)
}

/** the WaaS uid behind a pool address (by row id, or by the address a deposit was sent to) */
export async function uidOfPoolAddress(db: Knex, ref: { id: string } | { address: string; symbol: string }): Promise<string | null> {
  const result =
    "id" in ref
      ? await db.raw<{ rows: Array<{ uid: string }> }>(`SELECT uid FROM waas_pool_address WHERE id = ?`, [ref.id])
      : await db.raw<{ rows: Array<{ uid: string }> }>(
          `SELECT uid FROM waas_pool_address WHERE address = ? ORDER BY (symbol = ?) DESC LIMIT 1`,
          [ref.address, ref.symbol],
        )
  return result.rows[0]?.uid ?? null
}

/** the request_id a recorded withdraw notification names (its WaaS id alone cannot be looked up) */
export async function requestIdOfCallback(db: Knex, inboxId: string): Promise<string | null> {
  const result = await db.raw<{ rows: Array<{ request_id: string | null }> }>(
    `SELECT last_payload->>'request_id' AS request_id FROM waas_callback_inbox WHERE id = ? AND side = 'withdraw'`,
    [inboxId],
  )
  return result.rows[0]?.request_id || null
}

/**
 * What a settled payment can still refund in crypto, not counting its excess (null: not settled, or
 * nothing left). Unlocked: a hint for opening a request; the request re-checks under the row lock.
 */
export async function refundableCrypto(db: Knex, paymentId: string): Promise<string | null> {
  const result = await db.raw<{ rows: Array<{ left: string }> }>(
    `SELECT (CAST(p.amount_received AS numeric) - CAST(p.amount_excess AS numeric) - COALESCE((
              SELECT SUM(CAST(w.refund_amount AS numeric)) FROM waas_withdrawal w
               WHERE w.crypto_payment_id = p.id AND w.source = 'payment' AND w.deleted_at IS NULL
                 AND w.status NOT IN ('rejected', 'canceled', 'failed')), 0))::text AS left
       FROM waas_crypto_payment p WHERE p.id = ? AND p.status IN ('paid', 'overpaid') AND p.deleted_at IS NULL`,
    [paymentId],
  )
  const left = result.rows[0]?.left
  if (!left) return null
  const value = new ExactDecimal(left)
  return value.gt(0) ? formatDecimal(value) : null
}

/** the coin of what a refund draws on */
export async function symbolOfSource(db: Knex, ref: { deposit_id: string } | { crypto_payment_id: string }): Promise<string | null> {
  const [table, id] = "deposit_id" in ref ? ["waas_deposit", ref.deposit_id] : ["waas_crypto_payment", ref.crypto_payment_id]
  const result = await db.raw<{ rows: Array<{ symbol: string }> }>(`SELECT symbol FROM ${table} WHERE id = ? AND deleted_at IS NULL`, [id])
  return result.rows[0]?.symbol ?? null
}

export async function pricingOfPayment(db: Knex, id: string): Promise<{ symbol: string; currency_code: string } | null> {
  const result = await db.raw<{ rows: Array<{ symbol: string; currency_code: string }> }>(
    `SELECT symbol, currency_code FROM waas_crypto_payment WHERE id = ? AND deleted_at IS NULL`,
    [id],
  )
  return result.rows[0] ?? null
}
