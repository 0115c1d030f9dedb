import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { RefillReport } from "./refill"
import { newEntityId } from "../entity-id"

/** The log of refill runs (waas_pool_refill_run): written after each run, read by the admin's Address pool tab. */
const TABLE = "waas_pool_refill_run"

export type RefillTrigger = "job" | "admin"

export interface RefillRunRow {
  id: string
  trigger: RefillTrigger
  actor: string | null
  skipped: string | null
  failed: boolean
  report: RefillReport
  created_at: Date
}

export async function insertRefillRun(db: Knex, run: { trigger: RefillTrigger; actor: string | null; report: RefillReport }): Promise<RefillRunRow> {
  const failed = run.report.coins.some((c) => c.errors.length > 0)
  const result = await db.raw<{ rows: RefillRunRow[] }>(
    `INSERT INTO ${TABLE} (id, trigger, actor, skipped, failed, report, created_at, updated_at)
     VALUES (:id, :trigger, :actor, :skipped, :failed, :report::jsonb, now(), now())
     RETURNING id, trigger, actor, skipped, failed, report, created_at`,
    {
      id: newEntityId("wprr"),
      trigger: run.trigger,
      actor: run.actor,
      skipped: run.report.skipped ?? null,
      failed,
      report: JSON.stringify(run.report),
    },
  )
  return result.rows[0]
}

/** the newest run, and the newest one that did work (a skipped run says little about the pool) */
export async function lastRefillRuns(db: Knex): Promise<{ last: RefillRunRow | null; lastCompleted: RefillRunRow | null }> {
  const cols = "id, trigger, actor, skipped, failed, report, created_at"
  const [last, done] = await Promise.all([
    db.raw<{ rows: RefillRunRow[] }>(`SELECT ${cols} FROM ${TABLE} WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1`),
    db.raw<{ rows: RefillRunRow[] }>(
      `SELECT ${cols} FROM ${TABLE} WHERE deleted_at IS NULL AND skipped IS NULL ORDER BY created_at DESC, id DESC LIMIT 1`,
    ),
  ])
  return { last: last.rows[0] ?? null, lastCompleted: done.rows[0] ?? null }
}
