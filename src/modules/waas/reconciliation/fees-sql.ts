import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import Decimal from "decimal.js"

/**
 * The crypto fees one order cost. A collection miner fee (protocol §2.13: the sweep of an account-model deposit to
 * the hot wallet) is tied to the deposit it swept by this rule: same coin, the fee record's address_from is the
 * deposit's address_to, and the fee was recorded at or after the deposit was created but before the next deposit
 * to that address in that coin was (the WaaS sweeps each deposit once; its records name no deposit id, and their
 * txid is the sweep's, not the deposit's). The first such fee record is the deposit's. Withdrawal fees (the
 * service fee and the miner fee) come from the order's refunds, as the WaaS reported them.
 */
export interface OrderFees {
  order_id: string
  deposits: Array<{
    waas_deposit_id: string
    symbol: string
    amount: string
    collection_fee: { waas_miner_fee_id: string; fee: string; fee_symbol: string } | null
  }>
  withdrawals: Array<{
    withdrawal_id: string
    waas_withdrawal_id: string | null
    symbol: string
    amount: string
    service_fee: string | null
    service_fee_symbol: string | null
    miner_fee: string | null
    miner_fee_symbol: string | null
  }>
  totals: Record<string, string>
}

export async function orderFees(db: Knex, orderId: string): Promise<OrderFees> {
  const deposits = await db.raw<{ rows: Array<{ waas_deposit_id: string; symbol: string; amount: string; fee_id: string | null; fee: string | null; fee_symbol: string | null }> }>(
    `WITH deps AS (
       SELECT d.waas_deposit_id, d.symbol, d.amount, d.address_to, d.waas_created_at FROM waas_deposit d
        WHERE d.deleted_at IS NULL AND d.status IN ('credited', 'reversed')
          AND d.crypto_payment_id IN (SELECT id FROM waas_crypto_payment WHERE order_id = :order AND deleted_at IS NULL))
     SELECT deps.waas_deposit_id, deps.symbol, deps.amount, fee.waas_id AS fee_id, fee.fee, fee.fee_symbol
       FROM deps
       LEFT JOIN LATERAL (
         SELECT f.waas_id, f.fee, f.fee_symbol FROM waas_mirror_record f
          WHERE f.kind = 'miner_fee' AND f.deleted_at IS NULL AND f.address_from = deps.address_to AND f.symbol = deps.symbol
            AND f.status = 1 AND f.waas_created_at >= deps.waas_created_at
            AND NOT EXISTS (SELECT 1 FROM waas_mirror_record n
                             WHERE n.kind = 'deposit' AND n.deleted_at IS NULL AND n.address_to = deps.address_to AND n.symbol = deps.symbol
                               AND n.waas_created_at > deps.waas_created_at AND n.waas_created_at <= f.waas_created_at)
          ORDER BY f.waas_created_at, f.waas_id::numeric LIMIT 1) fee ON true
      ORDER BY deps.waas_created_at, deps.waas_deposit_id`,
    { order: orderId },
  )
  const withdrawals = await db.raw<{ rows: OrderFees["withdrawals"] }>(
    `SELECT w.id AS withdrawal_id, w.waas_withdrawal_id, w.symbol, w.amount,
            COALESCE(w.withdraw_fee, m.withdraw_fee) AS service_fee, COALESCE(w.withdraw_fee_symbol, m.withdraw_fee_symbol) AS service_fee_symbol,
            COALESCE(w.real_fee, m.real_fee) AS miner_fee, COALESCE(w.fee_symbol, m.fee_symbol) AS miner_fee_symbol
       FROM waas_withdrawal w
       LEFT JOIN waas_mirror_record m ON m.kind = 'withdrawal' AND m.waas_id = w.waas_withdrawal_id AND m.deleted_at IS NULL
      WHERE w.order_id = :order AND w.status = 'completed'
      ORDER BY w.created_at, w.id`,
    { order: orderId },
  )
  const totals = new Map<string, Decimal>()
  const add = (symbol: string | null, amount: string | null) => {
    if (!symbol || !amount) return
    totals.set(symbol, (totals.get(symbol) ?? new Decimal(0)).plus(amount))
  }
  const out: OrderFees = { order_id: orderId, deposits: [], withdrawals: withdrawals.rows, totals: {} }
  for (const d of deposits.rows) {
    out.deposits.push({
      waas_deposit_id: d.waas_deposit_id,
      symbol: d.symbol,
      amount: d.amount,
      collection_fee: d.fee_id && d.fee && d.fee_symbol ? { waas_miner_fee_id: d.fee_id, fee: d.fee, fee_symbol: d.fee_symbol } : null,
    })
    add(d.fee_symbol, d.fee)
  }
  for (const w of withdrawals.rows) {
    add(w.service_fee_symbol, w.service_fee)
    add(w.miner_fee_symbol, w.miner_fee)
  }
  out.totals = Object.fromEntries([...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v.toFixed()]))
  return out
}
