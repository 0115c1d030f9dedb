import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { AuditSource, WithdrawalStatus } from "./withdrawal-states"
import { newEntityId } from "../entity-id"

/**
 * The withdrawal audit trail (waas_withdrawal_audit). Append-only by construction: this file is its only
 * writer and it only inserts. An entry is written in the same transaction as the change it records, so the
 * trail never shows a change that did not happen, nor misses one that did.
 */
export const AUDIT_TABLE = "waas_withdrawal_audit"

export interface AuditEntry {
  withdrawal_id: string | null
  request_id: string | null
  action: string
  source: AuditSource
  actor: string | null
  from_status?: WithdrawalStatus | null
  to_status?: WithdrawalStatus | null
  detail?: Record<string, unknown> | null
}

export interface AuditRow extends Required<AuditEntry> {
  id: string
  created_at: Date
}

export async function appendAudit(db: Knex, entry: AuditEntry, now: Date): Promise<void> {
  await db.raw(
    `INSERT INTO ${AUDIT_TABLE}
       (id, withdrawal_id, request_id, action, source, actor, from_status, to_status, detail, created_at, updated_at)
     VALUES (:id, :withdrawal_id, :request_id, :action, :source, :actor, :from_status, :to_status, CAST(:detail AS jsonb), :now, :now)`,
    {
      id: newEntityId("wwda"),
      withdrawal_id: entry.withdrawal_id,
      request_id: entry.request_id,
      action: entry.action,
      source: entry.source,
      actor: entry.actor,
      from_status: entry.from_status ?? null,
      to_status: entry.to_status ?? null,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
      now,
    },
  )
}

/** A withdrawal's trail, oldest first; by request_id too, so denied confirmation requests show up. */
export async function listAudit(db: Knex, args: { withdrawal_id: string; request_id: string }): Promise<AuditRow[]> {
  const result = await db.raw<{ rows: AuditRow[] }>(
    `SELECT id, withdrawal_id, request_id, action, source, actor, from_status, to_status, detail, created_at
       FROM ${AUDIT_TABLE}
      WHERE (withdrawal_id = :withdrawal_id OR request_id = :request_id) AND deleted_at IS NULL
      ORDER BY created_at ASC, id ASC`,
    args,
  )
  return result.rows
}

/** Entries for request_ids we never issued (confirmation requests the WaaS, or someone, sent anyway). */
export async function listUnmatchedAudit(db: Knex, limit: number): Promise<AuditRow[]> {
  const result = await db.raw<{ rows: AuditRow[] }>(
    `SELECT id, withdrawal_id, request_id, action, source, actor, from_status, to_status, detail, created_at
       FROM ${AUDIT_TABLE} WHERE withdrawal_id IS NULL AND deleted_at IS NULL ORDER BY created_at DESC LIMIT :limit`,
    { limit },
  )
  return result.rows
}
