import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { depositPass, withdrawalPass } from "./compare-ledger-sql"
import { medusaPass } from "./compare-medusa-sql"
import { FigureRow, minerFeePass, Pass, PassBinds } from "./pass-sql"

/**
 * A day's figures per kind and coin for the three sides, and its fees (README: count and sum are over records
 * whose money moved; other_count the rest), assembled from the figure rows of the passes (pass-sql.ts): the
 * compare's own (one read of the day per kind, breaks written on the way) or, after healing changed the ledger,
 * the same passes again without breaks.
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

export interface DayFigures {
  totals: CoinTotals[]
  fees: DayFees
}

/** the passes of a day, in one transaction when `db` is one; the breaks only when `b.write` */
export async function dayPasses(db: Knex, b: PassBinds): Promise<{ breaks: number } & DayFigures> {
  const passes: Pass[] = [await depositPass(db, b), await withdrawalPass(db, b), await minerFeePass(db, b), await medusaPass(db, b)]
  const rows = passes.flatMap((p) => p.figures)
  return { breaks: passes.reduce((n, p) => n + p.breaks, 0), totals: assemble(rows), fees: assembleFees(rows) }
}

/** the day's figures read again (nothing written) */
export async function dayTotals(db: Knex, b: { run: string; day: string; s: Date; e: Date }): Promise<DayFigures> {
  const { totals, fees } = await dayPasses(db, { ...b, write: false })
  return { totals, fees }
}

const canonical = (v: string | null): string => {
  if (!v) return "0"
  if (!v.includes(".")) return v
  const t = v.replace(/0+$/, "")
  return t.endsWith(".") ? t.slice(0, -1) : t
}

function assemble(rows: FigureRow[]): CoinTotals[] {
  const byKey = new Map<string, CoinTotals>()
  const empty = (): SideTotals => ({ count: 0, sum: "0", other_count: 0 })
  const at = (kind: CoinTotals["kind"], symbol: string) => {
    const key = `${kind}\u0000${symbol}`
    let t = byKey.get(key)
    if (!t) byKey.set(key, (t = { kind, symbol, waas: empty(), ledger: empty(), medusa: { count: 0, sums: {} } }))
    return t
  }
  for (const r of rows) {
    if (r.what === "side") at(kind(r), r.symbol!)[r.side!] = { count: Number(r.count), sum: canonical(r.sum), other_count: Number(r.other) }
  }
  for (const r of rows) {
    if (r.what !== "medusa") continue
    const t = at(kind(r), r.symbol!)
    t.medusa.count += Number(r.count)
    if (r.currency_code) t.medusa.sums[r.currency_code] = canonical(r.sum)
  }
  const order = { deposit: 0, withdrawal: 1, miner_fee: 2 }
  return [...byKey.values()].sort((a, b) => order[a.kind] - order[b.kind] || a.symbol.localeCompare(b.symbol))
}

const kind = (r: FigureRow) => r.kind as CoinTotals["kind"]

function assembleFees(rows: FigureRow[]): DayFees {
  const fees: DayFees = { collection_miner_fees: {}, withdrawal_service_fees: {}, withdrawal_miner_fees: {}, commission: {} }
  for (const r of rows) if (r.what === "fee" && r.symbol) fees[r.kind as keyof DayFees][r.symbol] = canonical(r.sum)
  return fees
}
