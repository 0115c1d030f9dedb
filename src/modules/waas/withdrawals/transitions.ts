import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { appendAudit } from "./audit-sql"
import { updateWithdrawal, type WithdrawalChange, type WithdrawalRow } from "./withdrawal-sql"
import { type AuditSource, WithdrawalMachine, type WithdrawalStatus } from "./withdrawal-states"

export interface AuditFacts {
  action: string
  source: AuditSource
  actor: string | null
  detail?: Record<string, unknown>
}

/**
 * The one way a withdrawal's status moves: checked against the transition table, written compare-and-set
 * on the locked row, and audited in the same transaction. `to === row.status` records facts only (fees,
 * confirmations) and is audited only when the caller says what happened.
 */
export async function moveWithdrawal(
  trx: Knex.Transaction,
  row: WithdrawalRow,
  to: WithdrawalStatus,
  change: WithdrawalChange,
  audit: AuditFacts | null,
  now: Date,
): Promise<WithdrawalRow> {
  if (to !== row.status) WithdrawalMachine.assertTransition(row.status, to)
  const updated = await updateWithdrawal(trx, { id: row.id, from: row.status, to, change, now })
  if (audit) {
    await appendAudit(
      trx,
      {
        withdrawal_id: row.id,
        request_id: row.request_id,
        action: audit.action,
        source: audit.source,
        actor: audit.actor,
        from_status: row.status,
        to_status: to,
        detail: audit.detail ?? null,
      },
      now,
    )
  }
  return updated
}
