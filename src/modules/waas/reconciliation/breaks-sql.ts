import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { BreakMachine, type BreakKind, type BreakStatus, type BreakType } from "./recon-states"

export interface BreakRow {
  id: string
  run_id: string
  day: string
  type: BreakType
  kind: BreakKind
  match_key: string
  symbol: string | null
  waas_id: string | null
  ledger_id: string | null
  order_id: string | null
  waas_value: Record<string, unknown> | null
  ledger_value: Record<string, unknown> | null
  medusa_value: Record<string, unknown> | null
  status: BreakStatus
  healed_action: string | null
  note: string | null
  actor: string | null
  acted_at: Date | null
  carried_from: string | null
  created_at: Date
}

const COLUMNS = `id, run_id, day, type, kind, match_key, symbol, waas_id, ledger_id, order_id, waas_value, ledger_value, medusa_value,
  status, healed_action, note, actor, acted_at, carried_from, created_at`

export interface BreakFilter {
  type?: BreakType
  kind?: BreakKind
  status?: BreakStatus
  coin?: string
}

export async function listBreaks(
  db: Knex,
  runId: string,
  f: BreakFilter,
  page: { limit: number; offset: number },
): Promise<{ breaks: BreakRow[]; count: number }> {
  const binds = { run: runId, type: f.type ?? null, kind: f.kind ?? null, status: f.status ?? null, coin: f.coin ?? null }
  const where = `run_id = :run AND deleted_at IS NULL AND (:type::text IS NULL OR type = :type) AND (:kind::text IS NULL OR kind = :kind)
     AND (:status::text IS NULL OR status = :status) AND (:coin::text IS NULL OR symbol = :coin)`
  const rows = await db.raw<{ rows: BreakRow[] }>(
    `SELECT ${COLUMNS} FROM waas_recon_break WHERE ${where} ORDER BY type, kind, match_key LIMIT :limit OFFSET :offset`,
    { ...binds, limit: page.limit, offset: page.offset },
  )
  const count = await db.raw<{ rows: Array<{ n: string }> }>(`SELECT count(*) AS n FROM waas_recon_break WHERE ${where}`, binds)
  return { breaks: rows.rows, count: Number(count.rows[0].n) }
}

/** every break of a run, in pages (keyset on id): for healing and the export */
export async function breaksAfter(db: Knex, runId: string, afterId: string, limit: number, statuses?: BreakStatus[]): Promise<BreakRow[]> {
  const r = await db.raw<{ rows: BreakRow[] }>(
    `SELECT ${COLUMNS} FROM waas_recon_break WHERE run_id = :run AND id > :after AND deleted_at IS NULL
        AND (:statuses::text[] IS NULL OR status = ANY(:statuses::text[]))
      ORDER BY id LIMIT :limit`,
    { run: runId, after: afterId, limit, statuses: statuses ?? null },
  )
  return r.rows
}

/** whether the run has healed any of its breaks (the ledger or Medusa changed after its compare) */
export async function hasHealed(db: Knex, runId: string): Promise<boolean> {
  const r = await db.raw<{ rows: unknown[] }>(
    `SELECT 1 FROM waas_recon_break WHERE run_id = ? AND status = 'healed' AND deleted_at IS NULL LIMIT 1`,
    [runId],
  )
  return r.rows.length > 0
}

export async function getBreak(db: Knex, id: string): Promise<BreakRow | null> {
  const r = await db.raw<{ rows: BreakRow[] }>(`SELECT ${COLUMNS} FROM waas_recon_break WHERE id = ? AND deleted_at IS NULL`, [id])
  return r.rows[0] ?? null
}

/**
 * Moves a break to `to` from a status the table allows (recon-states.ts), under the row's lock, recording the
 * note, who and when; null when the break is not in such a status any more (the caller says why).
 */
export async function moveBreak(
  db: Knex,
  id: string,
  to: BreakStatus,
  d: { note: string | null; actor: string | null; healedAction?: string | null; now: Date },
): Promise<BreakRow | null> {
  const from = BreakMachine.sourcesOf(to)
  const r = await db.raw<{ rows: BreakRow[] }>(
    `UPDATE waas_recon_break SET status = :to, note = COALESCE(:note, note), actor = COALESCE(:actor, actor), acted_at = :now,
            healed_action = COALESCE(:healed, healed_action), updated_at = now()
      WHERE id = :id AND status = ANY(:from::text[]) AND deleted_at IS NULL
      RETURNING ${COLUMNS}`,
    { id, to, from, note: d.note, actor: d.actor, healed: d.healedAction ?? null, now: d.now },
  )
  return r.rows[0] ?? null
}

/**
 * A rerun's breaks that the previous result of the day also had (same type, kind and subject) keep the admin's
 * decision on it (acknowledged or resolved, the note, who and when), with carried_from naming the old break.
 */
export async function carryDecisions(db: Knex, runId: string, previousRunId: string): Promise<number> {
  const r = await db.raw<{ rowCount: number }>(
    `UPDATE waas_recon_break nb SET status = ob.status, note = ob.note, actor = ob.actor, acted_at = ob.acted_at, carried_from = ob.id,
            updated_at = now()
       FROM waas_recon_break ob
      WHERE nb.run_id = :run AND ob.run_id = :prev AND nb.status = 'open' AND ob.status IN ('acknowledged', 'resolved')
        AND ob.type = nb.type AND ob.kind = nb.kind AND ob.match_key = nb.match_key AND ob.deleted_at IS NULL`,
    { run: runId, prev: previousRunId },
  )
  return r.rowCount
}
