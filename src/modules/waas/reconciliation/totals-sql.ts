import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import {
  LEDGER_DEPOSITS,
  LEDGER_WITHDRAWALS,
  ledgerDepositClass,
  ledgerWithdrawalClass,
  MIRROR_DEPOSITS,
  MIRROR_MINER_FEES,
  MIRROR_WITHDRAWALS,
  num,
  waasWithdrawalClass,
} from "./day-sets-sql"

/**
 * A day's figures per kind and coin for the three sides, and its fees, each one aggregate over the day's sets
 * (README: count and sum are over records whose money moved; other_count the rest). Sums are numeric in SQL and
 * leave as exact decimal strings.
 */
export interface SideTotals {
  count: number
  sum: string
  other_count: number
}
export interface CoinTotals {
  kind: "deposit" | "withdrawal" | "miner_fee"
  symbol: string
  waas: SideTotals
  ledger: SideTotals
  medusa: { count: number; sums: Record<string, string> }
}
export interface DayFees {
  collection_miner_fees: Record<string, string>
  withdrawal_service_fees: Record<string, string>
  withdrawal_miner_fees: Record<string, string>
  commission: Record<string, string>
}

type Row = { kind: CoinTotals["kind"]; symbol: string; side: "waas" | "ledger"; count: string; sum: string | null; other: string }

export async function dayTotals(db: Knex, b: { run: string; s: Date; e: Date }): Promise<{ totals: CoinTotals[]; fees: DayFees }> {
  const binds = { run: b.run, s: b.s, e: b.e }
  const sides = await db.raw<{ rows: Row[] }>(
    `WITH ${MIRROR_DEPOSITS}, ${LEDGER_DEPOSITS}, ${MIRROR_WITHDRAWALS}, ${LEDGER_WITHDRAWALS}, ${MIRROR_MINER_FEES}
     SELECT 'deposit' AS kind, symbol, 'waas' AS side, count(*) FILTER (WHERE status = 1) AS count,
            sum(amount::numeric) FILTER (WHERE status = 1)::text AS sum, count(*) FILTER (WHERE status <> 1) AS other
       FROM m GROUP BY symbol
     UNION ALL
     SELECT 'deposit', symbol, 'ledger', count(*) FILTER (WHERE ${ledgerDepositClass("status", "waas_status")} = 'success'),
            sum(${num("amount")}) FILTER (WHERE ${ledgerDepositClass("status", "waas_status")} = 'success')::text,
            count(*) FILTER (WHERE ${ledgerDepositClass("status", "waas_status")} <> 'success')
       FROM l GROUP BY symbol
     UNION ALL
     SELECT 'withdrawal', symbol, 'waas', count(*) FILTER (WHERE ${waasWithdrawalClass("status", "withdraw_type")} = 'success'),
            sum(amount::numeric) FILTER (WHERE ${waasWithdrawalClass("status", "withdraw_type")} = 'success')::text,
            count(*) FILTER (WHERE ${waasWithdrawalClass("status", "withdraw_type")} <> 'success')
       FROM mw GROUP BY symbol
     UNION ALL
     SELECT 'withdrawal', symbol, 'ledger', count(*) FILTER (WHERE ${ledgerWithdrawalClass("status")} = 'success'),
            sum(${num("amount")}) FILTER (WHERE ${ledgerWithdrawalClass("status")} = 'success')::text,
            count(*) FILTER (WHERE ${ledgerWithdrawalClass("status")} <> 'success')
       FROM lw GROUP BY symbol
     UNION ALL
     SELECT 'miner_fee', symbol, 'waas', count(*) FILTER (WHERE status = 1), sum(amount::numeric) FILTER (WHERE status = 1)::text,
            count(*) FILTER (WHERE status <> 1)
       FROM mf GROUP BY symbol`,
    binds,
  )
  const medusa = await db.raw<{ rows: Array<{ kind: "deposit" | "withdrawal"; symbol: string; currency_code: string | null; count: string; sum: string | null }> }>(
    `SELECT 'deposit' AS kind, cp.symbol, f.currency_code, count(*) AS count, sum(f.amount::numeric)::text AS sum
       FROM waas_recon_medusa_fact f JOIN waas_crypto_payment cp ON cp.id = f.crypto_payment_id
      WHERE f.run_id = :run AND f.fact = 'payment' AND f.recorded_at IS NOT NULL GROUP BY cp.symbol, f.currency_code
     UNION ALL
     SELECT 'withdrawal', cp.symbol, f.currency_code, count(*), sum(f.amount::numeric)::text
       FROM waas_recon_medusa_fact f JOIN waas_crypto_payment cp ON cp.id = f.crypto_payment_id
      WHERE f.run_id = :run AND f.fact = 'refund' AND f.recorded_at >= :s AND f.recorded_at < :e GROUP BY cp.symbol, f.currency_code`,
    binds,
  )
  const fees = await db.raw<{ rows: Array<{ what: keyof DayFees; symbol: string; sum: string }> }>(
    `WITH ${MIRROR_WITHDRAWALS}, ${MIRROR_MINER_FEES}
     SELECT 'collection_miner_fees' AS what, fee_symbol AS symbol, sum(fee::numeric)::text AS sum FROM mf WHERE status = 1 GROUP BY fee_symbol
     UNION ALL
     SELECT 'withdrawal_service_fees', withdraw_fee_symbol, sum(withdraw_fee::numeric)::text FROM mw
      WHERE ${waasWithdrawalClass("status", "withdraw_type")} = 'success' AND withdraw_fee IS NOT NULL GROUP BY withdraw_fee_symbol
     UNION ALL
     SELECT 'withdrawal_miner_fees', fee_symbol, sum(real_fee::numeric)::text FROM mw
      WHERE ${waasWithdrawalClass("status", "withdraw_type")} = 'success' AND real_fee IS NOT NULL GROUP BY fee_symbol`,
    binds,
  )
  return { totals: assemble(sides.rows, medusa.rows), fees: assembleFees(fees.rows) }
}

const canonical = (v: string | null): string => {
  if (!v) return "0"
  if (!v.includes(".")) return v
  const t = v.replace(/0+$/, "")
  return t.endsWith(".") ? t.slice(0, -1) : t
}

function assemble(
  sides: Row[],
  medusa: Array<{ kind: "deposit" | "withdrawal"; symbol: string; currency_code: string | null; count: string; sum: string | null }>,
): CoinTotals[] {
  const byKey = new Map<string, CoinTotals>()
  const empty = (): SideTotals => ({ count: 0, sum: "0", other_count: 0 })
  const at = (kind: CoinTotals["kind"], symbol: string) => {
    const key = `${kind}\u0000${symbol}`
    let t = byKey.get(key)
    if (!t) byKey.set(key, (t = { kind, symbol, waas: empty(), ledger: empty(), medusa: { count: 0, sums: {} } }))
    return t
  }
  for (const r of sides) at(r.kind, r.symbol)[r.side] = { count: Number(r.count), sum: canonical(r.sum), other_count: Number(r.other) }
  for (const r of medusa) {
    const t = at(r.kind, r.symbol)
    t.medusa.count += Number(r.count)
    if (r.currency_code) t.medusa.sums[r.currency_code] = canonical(r.sum)
  }
  const order = { deposit: 0, withdrawal: 1, miner_fee: 2 }
  return [...byKey.values()].sort((a, b) => order[a.kind] - order[b.kind] || a.symbol.localeCompare(b.symbol))
}

function assembleFees(rows: Array<{ what: keyof DayFees; symbol: string; sum: string }>): DayFees {
  const fees: DayFees = { collection_miner_fees: {}, withdrawal_service_fees: {}, withdrawal_miner_fees: {}, commission: {} }
  for (const r of rows) if (r.symbol) fees[r.what][r.symbol] = canonical(r.sum)
  return fees
}
