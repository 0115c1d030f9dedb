import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { MIRROR_MINER_FEES } from "./day-sets-sql"

/**
 * One pass over a kind of the day's records: a single statement that reads and joins the day's rows once and
 * returns the kind's per-coin figures, writing its breaks on the way when asked (the compare; the same pass
 * without them reads the totals again after healing changed the ledger). The figures leave as rows of one shape:
 *   side    count and sum of the records whose money moved, and the count of the others, of one side and coin;
 *   fee     a fee total in one currency (kind names which: collection_miner_fees, …);
 *   medusa  Medusa's count and fiat sum of one kind, coin and currency;
 *   breaks  how many breaks the statement wrote.
 * Sums are numeric in SQL and leave as exact decimal strings.
 */
export interface FigureRow {
  what: "side" | "fee" | "medusa" | "breaks"
  kind: string | null
  side: "waas" | "ledger" | null
  symbol: string | null
  currency_code: string | null
  count: string | null
  sum: string | null
  other: string | null
}

export interface Pass {
  breaks: number
  figures: FigureRow[]
}

/** the run (its Medusa facts, and the breaks' owner), the day and its window [s, e); `write` writes the breaks */
export interface PassBinds {
  run: string
  day: string
  s: Date
  e: Date
  write: boolean
}

/** the columns of a figure row, in order: what, kind, side, symbol, currency_code, count, sum, other */
export const figure = (f: { what: FigureRow["what"]; kind?: string; side?: string; symbol?: string; currency?: string; count?: string; sum?: string; other?: string }) =>
  `SELECT '${f.what}'::text AS what, ${f.kind ? `'${f.kind}'` : "NULL"}::text AS kind, ${f.side ? `'${f.side}'` : "NULL"}::text AS side,
          (${f.symbol ?? "NULL"})::text AS symbol, (${f.currency ?? "NULL"})::text AS currency_code, (${f.count ?? "NULL"})::text AS count,
          (${f.sum ?? "NULL"})::text AS sum, (${f.other ?? "NULL"})::text AS other`

/**
 * Runs a pass: `ctes`, then (when given) `breaks` as a data-modifying CTE (an INSERT … SELECT reading the same
 * CTEs as the figures, so the day's rows are joined once for both), then the figure rows.
 */
export async function runPass(db: Knex, ctes: string, breaks: string | null, figures: string, b: PassBinds): Promise<Pass> {
  const sql = breaks
    ? `WITH ${ctes}, ins AS (${breaks} ON CONFLICT DO NOTHING RETURNING 1)
       ${figures}
       UNION ALL ${figure({ what: "breaks", count: "count(*)" })} FROM ins`
    : `WITH ${ctes} ${figures}`
  const r = await db.raw<{ rows: FigureRow[] }>(sql, { run: b.run, day: b.day, s: b.s, e: b.e })
  const breakRow = r.rows.find((x) => x.what === "breaks")
  return { breaks: breakRow ? Number(breakRow.count) : 0, figures: r.rows.filter((x) => x.what !== "breaks") }
}

/** per coin of the rows `from` selects: count and sum of those whose money moved (`ok`), count of the others */
export const sideFigures = (o: { kind: string; side: "waas" | "ledger"; from: string; where: string; symbol: string; ok: string; amount: string }) =>
  `${figure({ what: "side", kind: o.kind, side: o.side, symbol: o.symbol, count: `count(*) FILTER (WHERE ${o.ok})`,
      sum: `sum(${o.amount}) FILTER (WHERE ${o.ok})`, other: `count(*) FILTER (WHERE NOT ${o.ok})` })}
     FROM ${o.from} WHERE ${o.where} GROUP BY ${o.symbol}`

/** a fee total per currency over the rows `where` selects (a currency with no such row has no total) */
export const feeFigures = (o: { kind: string; from: string; where: string; symbol: string; amount: string }) =>
  `${figure({ what: "fee", kind: o.kind, symbol: o.symbol, sum: `sum(${o.amount})` })} FROM ${o.from} WHERE ${o.where} GROUP BY ${o.symbol}`

/**
 * The miner fees (no compare: the WaaS's side only), one pass over the day's records: per coin, and the
 * collection fees per fee currency, from one scan (two grouping sets).
 */
export async function minerFeePass(db: Knex, b: PassBinds): Promise<Pass> {
  const ctes = `${MIRROR_MINER_FEES},
     g AS (SELECT GROUPING(symbol) AS by_fee, symbol, fee_symbol, count(*) FILTER (WHERE status = 1) AS ok_count,
                  sum(amount::numeric) FILTER (WHERE status = 1) AS ok_sum, count(*) FILTER (WHERE status <> 1) AS other,
                  sum(fee::numeric) FILTER (WHERE status = 1) AS fee_sum
             FROM mf GROUP BY GROUPING SETS ((symbol), (fee_symbol)))`
  const figures = `${figure({ what: "side", kind: "miner_fee", side: "waas", symbol: "symbol", count: "ok_count", sum: "ok_sum", other: "other" })}
       FROM g WHERE by_fee = 0
     UNION ALL ${figure({ what: "fee", kind: "collection_miner_fees", symbol: "fee_symbol", sum: "fee_sum" })}
       FROM g WHERE by_fee = 1 AND ok_count > 0`
  return runPass(db, ctes, null, figures, b)
}
