import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { appendAudit } from "./audit-sql"
import { normalise, WITHDRAWAL_TABLE, type WithdrawalRow } from "./withdrawal-sql"

/**
 * The Medusa side of a completed payment refund, exactly once. Medusa's `Refund` has no status and is
 * created before the provider's refundPayment is called (and deleted if it throws), so:
 *   - refundPayment CLAIMS one completed, unrecorded withdrawal of that payment session with the same fiat
 *     amount, writing the Refund id onto it (FOR UPDATE SKIP LOCKED: two claims never take one row); with
 *     no such withdrawal it throws, and no Refund row survives;
 *   - the recorder marks the withdrawal refunded once that Refund exists in Medusa; a claim whose Refund
 *     never appeared (Medusa rolled back after the provider answered) is released after a grace period.
 */
const CLAIM_GRACE_SECONDS = 600

export async function claimForMedusaRefund(
  trx: Knex.Transaction,
  args: { payment_session_id: string; amount: string; refund_id: string; now: Date },
): Promise<WithdrawalRow | null> {
  const result = await trx.raw<{ rows: WithdrawalRow[] }>(
    `UPDATE ${WITHDRAWAL_TABLE} SET medusa_refund_id = :refund_id, medusa_refund_claimed_at = :now, updated_at = :now
      WHERE id = (
        SELECT id FROM ${WITHDRAWAL_TABLE}
         WHERE payment_session_id = :session AND source = 'payment' AND status = 'completed'
           AND medusa_refund_id IS NULL AND medusa_refunded_at IS NULL AND deleted_at IS NULL
           AND CAST(fiat_amount AS numeric) = CAST(:amount AS numeric)
         ORDER BY completed_at ASC, id ASC LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    { refund_id: args.refund_id, session: args.payment_session_id, amount: args.amount, now: args.now },
  )
  const row = result.rows[0] ?? null
  if (row) {
    await appendAudit(
      trx,
      { withdrawal_id: row.id, request_id: row.request_id, action: "medusa_refund_claimed", source: "system", actor: null, detail: { refund_id: args.refund_id } },
      args.now,
    )
  }
  return row
}

/** payment sessions with completed payment withdrawals that Medusa has not recorded yet */
export async function listSessionsWithRefundsDue(db: Knex, limit: number): Promise<string[]> {
  const result = await db.raw<{ rows: Array<{ payment_session_id: string }> }>(
    `SELECT payment_session_id FROM ${WITHDRAWAL_TABLE}
      WHERE status = 'completed' AND source = 'payment' AND medusa_refunded_at IS NULL AND deleted_at IS NULL
      GROUP BY payment_session_id ORDER BY min(completed_at) ASC LIMIT :limit`,
    { limit },
  )
  return result.rows.map((r) => r.payment_session_id)
}

export async function listRefundsDue(db: Knex, paymentSessionId: string): Promise<WithdrawalRow[]> {
  const result = await db.raw<{ rows: WithdrawalRow[] }>(
    `SELECT * FROM ${WITHDRAWAL_TABLE}
      WHERE payment_session_id = ? AND status = 'completed' AND source = 'payment' AND medusa_refunded_at IS NULL
        AND deleted_at IS NULL ORDER BY completed_at ASC, id ASC`,
    [paymentSessionId],
  )
  return result.rows.map(normalise)
}

export async function markMedusaRefunded(db: Knex, row: WithdrawalRow, now: Date): Promise<boolean> {
  const result = await db.raw<{ rowCount: number }>(
    `UPDATE ${WITHDRAWAL_TABLE} SET medusa_refunded_at = :now, updated_at = :now
      WHERE id = :id AND medusa_refund_id = :refund_id AND medusa_refunded_at IS NULL`,
    { id: row.id, refund_id: row.medusa_refund_id, now },
  )
  if (result.rowCount !== 1) return false
  await appendAudit(
    db,
    { withdrawal_id: row.id, request_id: row.request_id, action: "medusa_refund_recorded", source: "system", actor: null, detail: { refund_id: row.medusa_refund_id } },
    now,
  )
  return true
}

/** A claim whose Refund does not exist in Medusa, older than the grace period: free it for a new attempt. */
export async function releaseStaleClaim(db: Knex, row: WithdrawalRow, now: Date): Promise<boolean> {
  const result = await db.raw<{ rowCount: number }>(
    `UPDATE ${WITHDRAWAL_TABLE} SET medusa_refund_id = NULL, medusa_refund_claimed_at = NULL, updated_at = :now
      WHERE id = :id AND medusa_refund_id = :refund_id AND medusa_refunded_at IS NULL
        AND medusa_refund_claimed_at <= :now::timestamptz - make_interval(secs => :grace)`,
    { id: row.id, refund_id: row.medusa_refund_id, now, grace: CLAIM_GRACE_SECONDS },
  )
  if (result.rowCount !== 1) return false
  await appendAudit(
    db,
    { withdrawal_id: row.id, request_id: row.request_id, action: "medusa_refund_claim_released", source: "system", actor: null, detail: { refund_id: row.medusa_refund_id } },
    now,
  )
  return true
}
