import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { RunStatus, RunTrigger } from "./recon-states"

/**
 * Runs (waas_recon_run). Every write but the first is `WHERE status = 'running'`: a finished run is never edited
 * (the table's trigger refuses it as well); a rerun is a new row with attempt + 1.
 */
export const RUN_TABLE = "waas_recon_run"

export interface Progress {
  phase: "fetching" | "refreshing" | "comparing" | "healing" | "done"
  pages_fetched: number
  records_fetched: number
  records_refreshed: number
  records_to_compare: number
  records_compared: number
  percent: number
}

export interface RunRow {
  id: string
  day: string
  attempt: number
  status: RunStatus
  trigger: RunTrigger
  requested_by: string | null
  time_zone: string
  window_start: Date
  window_end: Date
  started_at: Date
  finished_at: Date | null
  failure_reason: string | null
  totals: unknown
  fees: unknown
  break_counts: unknown
  progress: Progress
  unreadable_records: number
}

const COLUMNS = `id, day, attempt, status, trigger, requested_by, time_zone, window_start, window_end, started_at, finished_at,
  failure_reason, totals, fees, break_counts, progress, unreadable_records`

export function initialProgress(): Progress {
  return { phase: "fetching", pages_fetched: 0, records_fetched: 0, records_refreshed: 0, records_to_compare: 0, records_compared: 0, percent: 0 }
}

/** [start, end) of a day in a zone, by Postgres's own time-zone rules (the same IANA data as Intl) */
export async function dayWindow(db: Knex, day: string, zone: string): Promise<{ s: Date; e: Date }> {
  const r = await db.raw<{ rows: Array<{ s: Date; e: Date }> }>(
    `SELECT (:day::date::timestamp AT TIME ZONE :zone) AS s, ((:day::date + 1)::timestamp AT TIME ZONE :zone) AS e`,
    { day, zone },
  )
  return r.rows[0]
}

export async function createRun(
  db: Knex,
  r: { day: string; zone: string; trigger: RunTrigger; requestedBy: string | null; now: Date },
): Promise<RunRow> {
  const w = await dayWindow(db, r.day, r.zone)
  const result = await db.raw<{ rows: RunRow[] }>(
    `INSERT INTO ${RUN_TABLE} (id, day, attempt, time_zone, window_start, window_end, status, trigger, requested_by, started_at,
        progress, created_at, updated_at)
     SELECT 'wrrun_' || replace(gen_random_uuid()::text, '-', ''), :day,
            COALESCE((SELECT max(attempt) FROM ${RUN_TABLE} WHERE day = :day AND deleted_at IS NULL), 0) + 1,
            :zone::text, :s::timestamptz, :e::timestamptz, 'running', :trigger::text, :requested_by::text, :now::timestamptz, :progress::jsonb, now(), now()
     RETURNING ${COLUMNS}`,
    { day: r.day, zone: r.zone, s: w.s, e: w.e, trigger: r.trigger, requested_by: r.requestedBy, now: r.now, progress: JSON.stringify(initialProgress()) },
  )
  return result.rows[0]
}

export async function saveProgress(db: Knex, id: string, progress: Progress): Promise<void> {
  await db.raw(`UPDATE ${RUN_TABLE} SET progress = ?::jsonb, updated_at = now() WHERE id = ? AND status = 'running'`, [JSON.stringify(progress), id])
}

export async function finishRun(
  db: Knex,
  id: string,
  f: { status: Exclude<RunStatus, "running">; now: Date; reason?: string | null; totals?: unknown; fees?: unknown; progress: Progress; unreadable?: number },
): Promise<RunRow | null> {
  const result = await db.raw<{ rows: RunRow[] }>(
    `UPDATE ${RUN_TABLE} r SET status = :status, finished_at = :now, failure_reason = :reason, totals = :totals::jsonb, fees = :fees::jsonb,
            progress = :progress::jsonb, unreadable_records = :unreadable, updated_at = now(),
            break_counts = (SELECT jsonb_build_object(
                'total', count(*), 'open', count(*) FILTER (WHERE status = 'open'),
                'acknowledged', count(*) FILTER (WHERE status = 'acknowledged'), 'healed', count(*) FILTER (WHERE status = 'healed'),
                'resolved', count(*) FILTER (WHERE status = 'resolved'),
                'by_type', COALESCE((SELECT jsonb_object_agg(type, n) FROM (SELECT type, count(*) AS n FROM waas_recon_break
                                      WHERE run_id = :id AND deleted_at IS NULL GROUP BY type) t), '{}'::jsonb))
              FROM waas_recon_break WHERE run_id = :id AND deleted_at IS NULL)
      WHERE r.id = :id AND r.status = 'running'
      RETURNING ${COLUMNS}`,
    {
      id,
      status: f.status,
      now: f.now,
      reason: f.reason ?? null,
      totals: f.totals === undefined ? null : JSON.stringify(f.totals),
      fees: f.fees === undefined ? null : JSON.stringify(f.fees),
      progress: JSON.stringify(f.progress),
      unreadable: f.unreadable ?? 0,
    },
  )
  return result.rows[0] ?? null
}

/** runs left `running` by a process that died: failed, so their day is run again (only called under the lock) */
export async function failAbandonedRuns(db: Knex, now: Date): Promise<number> {
  const r = await db.raw<{ rowCount: number }>(
    `UPDATE ${RUN_TABLE} SET status = 'failed', finished_at = ?, failure_reason = 'interrupted: the process running it stopped', updated_at = now()
      WHERE status = 'running' AND deleted_at IS NULL`,
    [now],
  )
  return r.rowCount
}

export async function getRun(db: Knex, id: string): Promise<RunRow | null> {
  const r = await db.raw<{ rows: RunRow[] }>(`SELECT ${COLUMNS} FROM ${RUN_TABLE} WHERE id = ? AND deleted_at IS NULL`, [id])
  return r.rows[0] ?? null
}

/** the latest attempt of each day in [from, to], newest day first */
export async function latestRuns(db: Knex, from: string, to: string): Promise<RunRow[]> {
  const r = await db.raw<{ rows: RunRow[] }>(
    `SELECT DISTINCT ON (day) ${COLUMNS} FROM ${RUN_TABLE}
      WHERE day >= ? AND day <= ? AND deleted_at IS NULL ORDER BY day DESC, attempt DESC`,
    [from, to],
  )
  return r.rows
}

/** the latest run of a day before `beforeAttempt` that finished with a result (balanced or breaks) */
export async function previousResult(db: Knex, day: string, beforeAttempt: number): Promise<RunRow | null> {
  const r = await db.raw<{ rows: RunRow[] }>(
    `SELECT ${COLUMNS} FROM ${RUN_TABLE} WHERE day = ? AND attempt < ? AND status IN ('balanced', 'breaks') AND deleted_at IS NULL
      ORDER BY attempt DESC LIMIT 1`,
    [day, beforeAttempt],
  )
  return r.rows[0] ?? null
}

/**
 * Closed days in [first, last] the job still has to run, oldest first: never run, a latest run that failed (the
 * WaaS unreachable, say), or a latest run whose breaks were all healed by it (run once more to show the day balanced).
 */
export async function dueDays(db: Knex, first: string, last: string, limit: number): Promise<string[]> {
  if (first > last) return []
  const r = await db.raw<{ rows: Array<{ day: string }> }>(
    `WITH days AS (SELECT to_char(d, 'YYYY-MM-DD') AS day FROM generate_series(:first::date, :last::date, interval '1 day') AS d),
     latest AS (SELECT DISTINCT ON (day) day, status, break_counts FROM ${RUN_TABLE}
                 WHERE day >= :first AND day <= :last AND deleted_at IS NULL ORDER BY day, attempt DESC)
     SELECT days.day FROM days LEFT JOIN latest ON latest.day = days.day
      WHERE latest.day IS NULL OR latest.status = 'failed'
         OR (latest.status = 'breaks' AND (latest.break_counts ->> 'total')::int > 0
             AND (latest.break_counts ->> 'total') = (latest.break_counts ->> 'healed'))
      ORDER BY days.day LIMIT :limit`,
    { first, last, limit },
  )
  return r.rows.map((x) => x.day)
}
