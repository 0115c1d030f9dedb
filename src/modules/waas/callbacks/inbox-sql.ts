import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { retryDelaySql } from "./retry-schedule"
import { newEntityId } from "../entity-id"
import { preparedRaw } from "../prepared-sql"

/**
 * The callback inbox's SQL. Recording is one upsert on the (side, waas_id) unique index: concurrent
 * deliveries of the same notification serialise on it and end as one row whose received_count counts them.
 * Processing uses a short lease so duplicates do not all pull the same deposit at once; correctness never
 * depends on the lease (the ledger is idempotent), only the amount of WaaS traffic does.
 */
export const INBOX_TABLE = "waas_callback_inbox"

export type CallbackSide = "deposit" | "withdraw"

export interface RecordedCallback {
  id: string
  side: CallbackSide
  waas_id: string
  received_count: number
  /** false for a repeat of a notification already in the inbox */
  first_delivery: boolean
}

export async function recordCallbackRow(
  db: Knex,
  args: { side: CallbackSide; waasId: string; status: number; payload: Record<string, unknown>; now: Date },
): Promise<RecordedCallback> {
  const result = await db.raw<{ rows: Array<{ id: string; side: CallbackSide; waas_id: string; received_count: number; inserted: boolean }> }>(
    `INSERT INTO ${INBOX_TABLE}
       (id, side, waas_id, last_status, last_payload, received_count, first_received_at, last_received_at,
        processed_count, attempts, created_at, updated_at)
     VALUES (:id, :side, :waasId, :status, CAST(:payload AS jsonb), 1, :now, :now, 0, 0, :now, :now)
     ON CONFLICT (side, waas_id) WHERE deleted_at IS NULL DO UPDATE SET
       received_count = ${INBOX_TABLE}.received_count + 1,
       last_status = EXCLUDED.last_status,
       last_payload = EXCLUDED.last_payload,
       last_received_at = EXCLUDED.last_received_at,
       updated_at = EXCLUDED.updated_at
     RETURNING id, side, waas_id, received_count, (xmax = 0) AS inserted`,
    {
      id: newEntityId("wcbin"),
      side: args.side,
      waasId: args.waasId,
      status: args.status,
      payload: JSON.stringify(args.payload),
      now: args.now,
    },
  )
  const row = result.rows[0]
  return { id: row.id, side: row.side, waas_id: row.waas_id, received_count: Number(row.received_count), first_delivery: row.inserted }
}

export interface ClaimedCallback {
  id: string
  side: CallbackSide
  waas_id: string
  /** received_count when claimed: what a successful processing covers */
  received_count: number
}

/** Takes the processing lease of a pending row; null when it is not pending or someone else holds the lease. */
export async function claimCallbackRow(
  db: Knex,
  args: { id: string; side: CallbackSide; leaseSeconds: number },
): Promise<ClaimedCallback | null> {
  const result = await db.raw<{ rows: ClaimedCallback[] }>(
    `UPDATE ${INBOX_TABLE}
        SET processing_until = now() + make_interval(secs => :lease), attempts = attempts + 1, updated_at = now()
      WHERE id = :id AND side = :side AND deleted_at IS NULL AND processed_count < received_count
        AND (processing_until IS NULL OR processing_until < now())
      RETURNING id, side, waas_id, received_count`,
    { id: args.id, side: args.side, lease: args.leaseSeconds },
  )
  const row = result.rows[0]
  return row ? { ...row, received_count: Number(row.received_count) } : null
}

/**
 * Marks what a processing run covered as done and drops the lease. Returns true when more deliveries
 * arrived meanwhile (the row is still pending and the caller should process it again).
 */
export async function completeCallbackRow(
  db: Knex,
  args: { id: string; seenCount: number; outcome: string },
): Promise<{ more: boolean }> {
  const result = await db.raw<{ rows: Array<{ more: boolean }> }>(
    `UPDATE ${INBOX_TABLE}
        SET processed_count = GREATEST(processed_count, :seen), processed_at = now(), processing_until = NULL,
            last_outcome = :outcome, last_error = NULL, failures = 0, next_attempt_at = NULL, updated_at = now()
      WHERE id = :id AND deleted_at IS NULL
      RETURNING processed_count < received_count AS more`,
    { id: args.id, seen: args.seenCount, outcome: args.outcome.slice(0, 500) },
  )
  return { more: Boolean(result.rows[0]?.more) }
}

/**
 * The leases of a page of pending rows in ONE statement (issue 11): the rows are locked in id order (so two pages
 * that overlap never deadlock), the same lease test as claimCallbackRow applies to each, and only the rows this
 * statement leased come back. Same effect per row as claimCallbackRow.
 */
export async function claimCallbackRows(
  db: Knex,
  args: { ids: readonly string[]; side: CallbackSide; leaseSeconds: number },
): Promise<ClaimedCallback[]> {
  if (args.ids.length === 0) return []
  const result = await preparedRaw<{ rows: ClaimedCallback[] }>(
    db,
    "inbox_claim_page_v1",
    `WITH page AS (
       SELECT id FROM ${INBOX_TABLE}
        WHERE id = ANY(:ids) AND side = :side AND deleted_at IS NULL AND processed_count < received_count
          AND (processing_until IS NULL OR processing_until < now())
        ORDER BY id
        FOR UPDATE
     )
     UPDATE ${INBOX_TABLE} i
        SET processing_until = now() + make_interval(secs => :lease), attempts = i.attempts + 1, updated_at = now()
       FROM page
      WHERE i.id = page.id
      RETURNING i.id, i.side, i.waas_id, i.received_count`,
    { ids: [...args.ids], side: args.side, lease: args.leaseSeconds },
  )
  return result.rows.map((row) => ({ ...row, received_count: Number(row.received_count) }))
}

/**
 * completeCallbackRow for a page in ONE statement: each row gets what its run covered and its outcome; the ids
 * that came back `more` received another delivery meanwhile and are to be processed again.
 */
export async function completeCallbackRows(
  db: Knex,
  entries: ReadonlyArray<{ id: string; seenCount: number; outcome: string }>,
): Promise<Map<string, { more: boolean }>> {
  if (entries.length === 0) return new Map()
  const result = await preparedRaw<{ rows: Array<{ id: string; more: boolean }> }>(
    db,
    "inbox_complete_page_v1",
    `UPDATE ${INBOX_TABLE} i
        SET processed_count = GREATEST(i.processed_count, done.seen), processed_at = now(), processing_until = NULL,
            last_outcome = done.outcome, last_error = NULL, failures = 0, next_attempt_at = NULL, updated_at = now()
       FROM unnest(CAST(:ids AS text[]), CAST(:seen AS int[]), CAST(:outcomes AS text[])) AS done(id, seen, outcome)
      WHERE i.id = done.id AND i.deleted_at IS NULL
      RETURNING i.id, i.processed_count < i.received_count AS more`,
    {
      ids: entries.map((e) => e.id),
      seen: entries.map((e) => e.seenCount),
      outcomes: entries.map((e) => e.outcome.slice(0, 500)),
    },
  )
  return new Map(result.rows.map((r) => [r.id, { more: Boolean(r.more) }]))
}

/** Gives the lease back after a failed run, so the next attempt need not wait for it to run out. */
export async function releaseCallbackRow(db: Knex, args: { id: string; error: string | null }): Promise<void> {
  await db.raw(
    `UPDATE ${INBOX_TABLE}
        SET processing_until = NULL, last_error = COALESCE(:error, last_error), updated_at = now()
      WHERE id = :id AND deleted_at IS NULL`,
    { id: args.id, error: args.error === null ? null : args.error.slice(0, 500) },
  )
}

/**
 * A processing run failed for good (the in-process retries are over): the lease goes back, the failure is
 * counted and the next sweep attempt is scheduled (callbacks/retry-schedule.ts), so the sweep passes over this
 * row until then instead of stopping behind it.
 */
export async function recordCallbackFailureRow(db: Knex, args: { id: string; error: string }): Promise<void> {
  await db.raw(
    `UPDATE ${INBOX_TABLE}
        SET processing_until = NULL, last_error = :error, failures = failures + 1,
            next_attempt_at = now() + make_interval(secs => ${retryDelaySql("failures + 1")}), updated_at = now()
      WHERE id = :id AND deleted_at IS NULL`,
    { id: args.id, error: args.error.slice(0, 500) },
  )
}

/** Pending rows of one side whose lease is free and whose next attempt is due, oldest delivery first. */
export async function listPendingCallbackIds(db: Knex, args: { side: CallbackSide; limit: number }): Promise<string[]> {
  return (await listPendingCallbackRows(db, args)).map((r) => r.id)
}

/** The same rows with their failures so far: a row that failed before is processed on its own, not in a page. */
export async function listPendingCallbackRows(
  db: Knex,
  args: { side: CallbackSide; limit: number },
): Promise<Array<{ id: string; failures: number }>> {
  const result = await db.raw<{ rows: Array<{ id: string; failures: number }> }>(
    `SELECT id, failures FROM ${INBOX_TABLE}
      WHERE side = :side AND deleted_at IS NULL AND processed_count < received_count
        AND (processing_until IS NULL OR processing_until < now())
        AND (next_attempt_at IS NULL OR next_attempt_at <= now())
      ORDER BY last_received_at ASC, id ASC
      LIMIT :limit`,
    { side: args.side, limit: args.limit },
  )
  return result.rows.map((r) => ({ id: r.id, failures: Number(r.failures) }))
}

/** Makes an already processed row pending again (an admin's "re-run"), keeping its history. */
export async function reopenCallbackRow(db: Knex, id: string): Promise<boolean> {
  const result = await db.raw<{ rowCount: number }>(
    `UPDATE ${INBOX_TABLE}
        SET processed_count = LEAST(processed_count, received_count - 1), processing_until = NULL, updated_at = now()
      WHERE id = :id AND deleted_at IS NULL`,
    { id },
  )
  return result.rowCount > 0
}

export type CallbackListState = "pending" | "failing" | "all"

/** A callback's delivery and processing history, for the admin */
export interface CallbackRow {
  id: string
  side: CallbackSide
  waas_id: string
  last_status: number
  received_count: number
  processed_count: number
  attempts: number
  failures: number
  next_attempt_at: Date | null
  first_received_at: Date
  last_received_at: Date
  processed_at: Date | null
  last_outcome: string | null
  last_error: string | null
}

/** For the admin: callbacks by state, oldest delivery first, with the count of all that match. */
export async function listCallbackRows(
  db: Knex,
  args: { state: CallbackListState; limit: number; offset: number },
): Promise<[CallbackRow[], number]> {
  const where = {
    pending: "processed_count < received_count",
    failing: "processed_count < received_count AND failures > 0",
    all: "TRUE",
  }[args.state]
  const result = await db.raw<{ rows: Array<CallbackRow & { total: string }> }>(
    `SELECT id, side, waas_id, last_status, received_count, processed_count, attempts, failures, next_attempt_at,
            first_received_at, last_received_at, processed_at, last_outcome, last_error, count(*) OVER () AS total
       FROM ${INBOX_TABLE}
      WHERE deleted_at IS NULL AND ${where}
      ORDER BY last_received_at ASC, id ASC
      LIMIT :limit OFFSET :offset`,
    { limit: args.limit, offset: args.offset },
  )
  const total = result.rows[0] ? Number(result.rows[0].total) : 0
  return [result.rows.map(({ total: _total, ...row }) => row), total]
}
