import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { AlertMachine, type AlertStatus } from "./alert-states"
import { alertKey, type AlertCondition, type AlertFigures, type AlertVerdict } from "./conditions"
import { newEntityId } from "../entity-id"

export const ALERT_TABLE = "waas_alert"

export interface AlertRow {
  id: string
  key: string
  condition: AlertCondition
  subject: string | null
  status: AlertStatus
  figures: AlertFigures
  message: string
  raised_at: Date
  last_seen_at: Date
  resolved_at: Date | null
}

const COLUMNS = "id, key, condition, subject, status, figures, message, raised_at, last_seen_at, resolved_at"

/**
 * Applies a source's verdict in the caller's transaction: an observation with no open alert of its key opens
 * one (raised), one with an open alert refreshes its figures; an open alert in the verdict's scope that was not
 * observed resolves. The partial unique index on open keys makes a concurrent raise a refresh, and the
 * resolving UPDATE returns a row to one caller only, so each change is reported (and announced) once.
 */
export async function applyVerdict(trx: Knex.Transaction, verdict: AlertVerdict, now: Date): Promise<{ raised: AlertRow[]; resolved: AlertRow[] }> {
  const raised: AlertRow[] = []
  for (const o of verdict.holding) {
    const { rows } = await trx.raw<{ rows: Array<AlertRow & { inserted: boolean }> }>(
      `INSERT INTO ${ALERT_TABLE} (id, key, condition, subject, status, figures, message, raised_at, last_seen_at, created_at, updated_at)
       VALUES (:id, :key, :condition, :subject, 'open', CAST(:figures AS jsonb), :message, :now, :now, :now, :now)
       ON CONFLICT (key) WHERE status = 'open' AND deleted_at IS NULL
       DO UPDATE SET figures = EXCLUDED.figures, message = EXCLUDED.message, last_seen_at = EXCLUDED.last_seen_at, updated_at = EXCLUDED.updated_at
       RETURNING ${COLUMNS}, (xmax = 0) AS inserted`,
      {
        id: newEntityId("walrt"),
        key: alertKey(o),
        condition: o.condition,
        subject: o.subject,
        figures: JSON.stringify(o.figures),
        message: o.message,
        now,
      },
    )
    const { inserted, ...row } = rows[0]
    if (inserted) raised.push(row)
  }

  const held = verdict.holding.map(alertKey)
  const resolved: AlertRow[] = []
  const from = AlertMachine.sourcesOf("resolved")
  for (const s of verdict.scope) {
    const { rows } = await trx.raw<{ rows: AlertRow[] }>(
      `UPDATE ${ALERT_TABLE} SET status = 'resolved', resolved_at = :now, updated_at = :now
        WHERE status = ANY(:from) AND condition = :condition
          ${s.subject !== undefined ? "AND subject = :subject" : ""}
          AND NOT (key = ANY(:held))
        RETURNING ${COLUMNS}`,
      { now, from, condition: s.condition, subject: s.subject ?? null, held },
    )
    resolved.push(...rows)
  }
  return { raised, resolved }
}

export async function listAlerts(db: Knex, args: { status?: AlertStatus; limit: number; offset: number }): Promise<{ alerts: AlertRow[]; count: number }> {
  const where = args.status ? `WHERE status = :status AND deleted_at IS NULL` : `WHERE deleted_at IS NULL`
  const { rows } = await db.raw<{ rows: AlertRow[] }>(
    `SELECT ${COLUMNS} FROM ${ALERT_TABLE} ${where}
      ORDER BY (status = 'open') DESC, coalesce(resolved_at, raised_at) DESC, id LIMIT :limit OFFSET :offset`,
    { status: args.status ?? null, limit: args.limit, offset: args.offset },
  )
  const { rows: counted } = await db.raw<{ rows: Array<{ n: string }> }>(`SELECT count(*) AS n FROM ${ALERT_TABLE} ${where}`, { status: args.status ?? null })
  return { alerts: rows, count: Number(counted[0]?.n ?? 0) }
}
