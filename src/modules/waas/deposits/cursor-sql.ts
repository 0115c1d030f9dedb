import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { newEntityId } from "../entity-id"

/**
 * The sync cursors (waas_sync_cursor): how far a WaaS sync endpoint has been read (rows with id > max_id).
 * A cursor only moves forward, and only from the value the mover read (compare-and-set), so a run that
 * read a stale cursor can never move it back or skip a page another run has not finished. Its updated_at
 * is also when the last poll run finished, which spaces runs out across instances.
 */
const CURSOR_TABLE = "waas_sync_cursor"

/**
 * Where a cursor starts when its row is created: an SQL expression giving a WaaS id as text, with its bindings
 * (deposits/sync-start-sql.ts). Without one it starts at 0. It is evaluated only when the row does not exist yet.
 */
export interface CursorStart {
  sql: string
  bindings: Record<string, unknown>
}

async function ensureCursor(db: Knex, name: string, start?: CursorStart): Promise<void> {
  // a cursor that never ran counts as last run at the epoch: the first poll is due at once. The NOT EXISTS keeps
  // the start's expression (a scan of the ledger, say) from running on every call once the row is there.
  await db.raw(
    `INSERT INTO ${CURSOR_TABLE} (id, name, max_id, created_at, updated_at)
     SELECT :cursor_id, :cursor_name, ${start ? start.sql : "'0'"}, now(), to_timestamp(0)
      WHERE NOT EXISTS (SELECT 1 FROM ${CURSOR_TABLE} WHERE name = :cursor_name AND deleted_at IS NULL)
     ON CONFLICT (name) WHERE deleted_at IS NULL DO NOTHING`,
    { ...(start?.bindings ?? {}), cursor_id: newEntityId("wcur"), cursor_name: name },
  )
}

export async function readCursor(db: Knex, name: string, start?: CursorStart): Promise<string> {
  await ensureCursor(db, name, start)
  const result = await db.raw<{ rows: Array<{ max_id: string }> }>(
    `SELECT max_id FROM ${CURSOR_TABLE} WHERE name = ? AND deleted_at IS NULL`,
    [name],
  )
  return result.rows[0].max_id
}

export class CursorMovedError extends Error {
  constructor(name: string, from: string) {
    super(`sync cursor ${name} is no longer at ${from}: another run moved it; this run stops here`)
    this.name = "CursorMovedError"
  }
}

/** Moves the cursor from `from` to `to` (strictly forward), or throws CursorMovedError. */
export async function advanceCursor(db: Knex, name: string, from: string, to: string): Promise<void> {
  if (!/^\d+$/.test(from) || !/^\d+$/.test(to) || BigInt(to) <= BigInt(from)) {
    throw new RangeError(`sync cursor ${name}: cannot move from ${from} to ${to}`)
  }
  const result = await db.raw<{ rowCount: number }>(
    `UPDATE ${CURSOR_TABLE} SET max_id = :to, updated_at = now() WHERE name = :name AND max_id = :from AND deleted_at IS NULL`,
    { name, from, to },
  )
  if (result.rowCount !== 1) throw new CursorMovedError(name, from)
}

export async function touchCursor(db: Knex, name: string, start?: CursorStart): Promise<void> {
  await ensureCursor(db, name, start)
  await db.raw(`UPDATE ${CURSOR_TABLE} SET updated_at = now() WHERE name = ? AND deleted_at IS NULL`, [name])
}

/** true when the cursor was last touched at least `intervalSeconds` ago (database time) */
export async function isCursorDue(db: Knex, name: string, intervalSeconds: number, start?: CursorStart): Promise<boolean> {
  await ensureCursor(db, name, start)
  const result = await db.raw<{ rows: Array<{ due: boolean }> }>(
    `SELECT updated_at <= now() - make_interval(secs => :s) AS due FROM ${CURSOR_TABLE} WHERE name = :name AND deleted_at IS NULL`,
    { name, s: intervalSeconds },
  )
  return Boolean(result.rows[0]?.due)
}
