import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { newEntityId } from "../entity-id"

/** SQL behind the admin's Health tab: refused callbacks, the inbox's backlog, the pollers' cursors. Reads only, but for the refusal log. */
export const REFUSAL_TABLE = "waas_callback_refusal"

export interface RefusalInput {
  route: "notify" | "withdraw-confirm"
  reason: string
  http_status: number
  body_bytes: number
}

export async function insertRefusal(db: Knex, r: RefusalInput): Promise<void> {
  await db.raw(
    `INSERT INTO ${REFUSAL_TABLE} (id, route, reason, http_status, body_bytes, created_at, updated_at)
     VALUES (:id, :route, :reason, :http_status, :body_bytes, now(), now())`,
    { id: newEntityId("wcbrf"), ...r },
  )
}

export interface RefusalCount {
  route: string
  reason: string
  count: number
  last_at: Date
}

/** refusals in the last `hours` hours, by route and reason, most frequent first */
export async function countRefusals(db: Knex, hours: number): Promise<RefusalCount[]> {
  const result = await db.raw<{ rows: Array<{ route: string; reason: string; count: string; last_at: Date }> }>(
    `SELECT route, reason, count(*) AS count, max(created_at) AS last_at FROM ${REFUSAL_TABLE}
      WHERE created_at > now() - make_interval(hours => :hours) AND deleted_at IS NULL
      GROUP BY route, reason ORDER BY count(*) DESC, reason`,
    { hours },
  )
  return result.rows.map((r) => ({ ...r, count: Number(r.count) }))
}

export interface InboxBacklog {
  side: string
  last_received_at: Date | null
  unprocessed: number
  failing: number
  oldest_unprocessed_at: Date | null
}

/** per side: the last callback recorded, and those recorded but not processed (failing: their last run failed) */
export async function inboxBacklog(db: Knex): Promise<InboxBacklog[]> {
  const result = await db.raw<{ rows: Array<{ side: string; last_received_at: Date | null; unprocessed: string; failing: string; oldest: Date | null }> }>(
    `SELECT side, max(last_received_at) AS last_received_at,
            count(*) FILTER (WHERE processed_count < received_count) AS unprocessed,
            count(*) FILTER (WHERE processed_count < received_count AND failures > 0) AS failing,
            min(last_received_at) FILTER (WHERE processed_count < received_count) AS oldest
       FROM waas_callback_inbox WHERE deleted_at IS NULL GROUP BY side ORDER BY side`,
  )
  return result.rows.map((r) => ({
    side: r.side,
    last_received_at: r.last_received_at,
    unprocessed: Number(r.unprocessed),
    failing: Number(r.failing),
    oldest_unprocessed_at: r.oldest,
  }))
}

export interface CursorState {
  name: string
  max_id: string
  /** when the poller last finished a run (the cursor's updated_at); null when it never ran */
  last_run_at: Date | null
  /** seconds since then, by the database's clock */
  lag_seconds: number | null
}

export async function cursorStates(db: Knex, names: string[]): Promise<CursorState[]> {
  const result = await db.raw<{ rows: Array<{ name: string; max_id: string; updated_at: Date; lag: string }> }>(
    `SELECT name, max_id, updated_at, extract(epoch FROM now() - updated_at) AS lag
       FROM waas_sync_cursor WHERE name = ANY(:names) AND deleted_at IS NULL`,
    { names },
  )
  return names.map((name) => {
    const row = result.rows.find((r) => r.name === name)
    // a cursor created but never run is stamped at the epoch (cursor-sql.ts)
    const ran = row && row.updated_at.getTime() > 0
    return {
      name,
      max_id: row?.max_id ?? "0",
      last_run_at: ran ? row.updated_at : null,
      lag_seconds: ran ? Math.floor(Number(row.lag)) : null,
    }
  })
}
