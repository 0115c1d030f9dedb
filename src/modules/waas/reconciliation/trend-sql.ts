import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { RunStatus } from "./recon-states"
import { RUN_TABLE } from "./runs-sql"

/**
 * The reconciliation trend (the admin's 30-day chart) in one statement: every day of [from, to], oldest first,
 * with the day's standing run (its latest attempt, as the list of days shows it), that run's per-coin volume
 * in (deposits) and out (withdrawals) on the WaaS's side of its totals, and the number of its breaks open now
 * (counted from the breaks, so an acknowledgement after the run shows at once; break_counts is the run's own
 * snapshot). A running or failed run has no totals yet: its coins are empty. Sums stay exact decimal strings.
 */
export interface TrendCoin {
  symbol: string
  volume_in: string
  volume_out: string
  deposits: number
  withdrawals: number
}

export interface TrendDay {
  day: string
  run: { id: string; attempt: number; status: RunStatus } | null
  coins: TrendCoin[]
  open_breaks: number
}

type Row = { day: string; run_id: string | null; attempt: number | null; status: RunStatus | null; open_breaks: string; coins: TrendCoin[] }

export async function reconTrend(db: Knex, from: string, to: string): Promise<TrendDay[]> {
  const r = await db.raw<{ rows: Row[] }>(
    `WITH days AS (SELECT to_char(d, 'YYYY-MM-DD') AS day FROM generate_series(:from::date, :to::date, interval '1 day') AS d),
     standing AS (SELECT DISTINCT ON (day) id, day, attempt, status, totals FROM ${RUN_TABLE}
                   WHERE day >= :from AND day <= :to AND deleted_at IS NULL ORDER BY day, attempt DESC)
     SELECT days.day, s.id AS run_id, s.attempt, s.status,
            (SELECT count(*) FROM waas_recon_break b WHERE b.run_id = s.id AND b.status = 'open' AND b.deleted_at IS NULL) AS open_breaks,
            COALESCE((
              SELECT jsonb_agg(jsonb_build_object(
                       'symbol', c.symbol, 'volume_in', c.volume_in, 'volume_out', c.volume_out,
                       'deposits', c.deposits, 'withdrawals', c.withdrawals) ORDER BY c.symbol)
                FROM (SELECT t ->> 'symbol' AS symbol,
                             COALESCE(max(t -> 'waas' ->> 'sum') FILTER (WHERE t ->> 'kind' = 'deposit'), '0') AS volume_in,
                             COALESCE(max(t -> 'waas' ->> 'sum') FILTER (WHERE t ->> 'kind' = 'withdrawal'), '0') AS volume_out,
                             COALESCE(max((t -> 'waas' ->> 'count')::int) FILTER (WHERE t ->> 'kind' = 'deposit'), 0) AS deposits,
                             COALESCE(max((t -> 'waas' ->> 'count')::int) FILTER (WHERE t ->> 'kind' = 'withdrawal'), 0) AS withdrawals
                        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s.totals) = 'array' THEN s.totals ELSE '[]'::jsonb END) AS t
                       WHERE t ->> 'kind' IN ('deposit', 'withdrawal')
                       GROUP BY t ->> 'symbol') c), '[]'::jsonb) AS coins
       FROM days LEFT JOIN standing s ON s.day = days.day
      ORDER BY days.day`,
    { from, to },
  )
  return r.rows.map((x) => ({
    day: x.day,
    run: x.run_id === null ? null : { id: x.run_id, attempt: Number(x.attempt), status: x.status as RunStatus },
    coins: x.coins,
    open_breaks: Number(x.open_breaks),
  }))
}
