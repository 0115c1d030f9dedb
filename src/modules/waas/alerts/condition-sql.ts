import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { WithdrawalMachine } from "../withdrawals/withdrawal-states"

/**
 * The figures behind each evaluated condition, read from the module's tables. Times come in as `now` (the
 * module's clock), never from the database's now(), so a test can move time.
 */
const minutesAgo = (now: Date, minutes: number) => new Date(now.getTime() - minutes * 60_000)

export async function poolFigures(db: Knex, now: Date, windowMinutes: number) {
  const { rows } = await db.raw<{ rows: Array<{ symbol: string; available: string; empty_checkouts: string }> }>(
    `SELECT s.symbol,
            (SELECT count(*) FROM waas_pool_address a WHERE a.symbol = s.symbol AND a.status = 'available' AND a.deleted_at IS NULL) AS available,
            (SELECT count(*) FROM waas_live_address_fetch f WHERE f.symbol = s.symbol AND f.fetched_at > :since AND f.deleted_at IS NULL) AS empty_checkouts
       FROM (SELECT DISTINCT symbol FROM waas_pool_address WHERE deleted_at IS NULL
             UNION SELECT DISTINCT symbol FROM waas_live_address_fetch WHERE deleted_at IS NULL) s`,
    { since: minutesAgo(now, windowMinutes) },
  )
  return rows.map((r) => ({ symbol: r.symbol, available: Number(r.available), emptyCheckouts: Number(r.empty_checkouts) }))
}

export async function accountCount(db: Knex): Promise<number> {
  const { rows } = await db.raw<{ rows: Array<{ n: string }> }>(`SELECT count(*) AS n FROM waas_account WHERE deleted_at IS NULL`)
  return Number(rows[0]?.n ?? 0)
}

export async function refusalsByReason(db: Knex, now: Date, windowMinutes: number) {
  const { rows } = await db.raw<{ rows: Array<{ reason: string; n: string }> }>(
    `SELECT reason, count(*) AS n FROM waas_callback_refusal WHERE created_at > ? AND deleted_at IS NULL GROUP BY reason ORDER BY reason`,
    [minutesAgo(now, windowMinutes)],
  )
  return rows.map((r) => ({ reason: r.reason, count: Number(r.n) }))
}

export async function unprocessedCallbacks(db: Knex, now: Date, minutes: number): Promise<{ count: number; oldest: Date | null }> {
  const { rows } = await db.raw<{ rows: Array<{ n: string; oldest: Date | null }> }>(
    `SELECT count(*) AS n, min(last_received_at) AS oldest FROM waas_callback_inbox
      WHERE processed_count < received_count AND last_received_at < ? AND deleted_at IS NULL`,
    [minutesAgo(now, minutes)],
  )
  return { count: Number(rows[0]?.n ?? 0), oldest: rows[0]?.oldest ? new Date(rows[0].oldest) : null }
}

/**
 * When the poller last completed a run (its sync cursor's updated_at) and whether it has work: a poller that
 * never ran counts as behind once a payment (deposits) or a withdrawal (refunds) older than the limit exists.
 */
export async function pollerFigures(db: Knex, poller: "deposit" | "withdrawal", now: Date, minutes: number) {
  const cursor = poller === "deposit" ? "deposits" : "withdrawals"
  const work = poller === "deposit" ? "waas_crypto_payment" : "waas_withdrawal"
  const { rows } = await db.raw<{ rows: Array<{ last_run: Date | null; has_work: boolean }> }>(
    `SELECT (SELECT updated_at FROM waas_sync_cursor WHERE name = :cursor AND deleted_at IS NULL) AS last_run,
            EXISTS (SELECT 1 FROM ${work} WHERE created_at < :since AND deleted_at IS NULL) AS has_work`,
    { cursor, since: minutesAgo(now, minutes) },
  )
  const lastRun = rows[0]?.last_run ? new Date(rows[0].last_run) : null
  const behind = lastRun ? lastRun < minutesAgo(now, minutes) : Boolean(rows[0]?.has_work)
  return { lastRun, behind }
}

export async function stuckWithdrawals(db: Knex, now: Date, hours: number) {
  const final = [...WithdrawalMachine.final]
  const { rows } = await db.raw<{ rows: Array<{ id: string; status: string; created_at: Date }> }>(
    `SELECT id, status, created_at FROM waas_withdrawal
      WHERE status NOT IN (${final.map(() => "?").join(", ")}) AND created_at < ? AND deleted_at IS NULL
      ORDER BY created_at LIMIT 200`,
    [...final, new Date(now.getTime() - hours * 3_600_000)],
  )
  return rows.map((r) => ({ id: r.id, status: r.status, createdAt: new Date(r.created_at) }))
}

export async function deniedConfirmations(db: Knex, now: Date, minutes: number) {
  const { rows } = await db.raw<{ rows: Array<{ withdrawal_id: string | null; request_id: string; denied_at: Date; reason: string | null }> }>(
    `SELECT DISTINCT ON (coalesce(withdrawal_id, request_id)) withdrawal_id, request_id, created_at AS denied_at, detail->>'reason' AS reason
       FROM waas_withdrawal_audit
      WHERE action = 'second_confirmation_denied' AND created_at > ? AND deleted_at IS NULL
      ORDER BY coalesce(withdrawal_id, request_id), created_at DESC`,
    [minutesAgo(now, minutes)],
  )
  return rows.map((r) => ({ subject: r.withdrawal_id ?? r.request_id, requestId: r.request_id, deniedAt: new Date(r.denied_at), reason: r.reason }))
}

/** refusals and resolved alerts past their use */
export async function pruneAlertTables(db: Knex, now: Date, retentionDays: number): Promise<void> {
  await db.raw(`DELETE FROM waas_callback_refusal WHERE created_at < ?`, [new Date(now.getTime() - 86_400_000)])
  await db.raw(`DELETE FROM waas_alert WHERE status = 'resolved' AND resolved_at < ?`, [new Date(now.getTime() - retentionDays * 86_400_000)])
}
