import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { statusList } from "../pool/pool-sql"
import { DEPOSIT_STATUSES_REREAD, type DepositLedgerStatus } from "./deposit-states"
import { DEPOSIT_TABLE } from "./ledger-sql"

/**
 * The poller's re-read list (DEPOSIT_STATUSES_REREAD), least recently touched first, so that every deposit comes
 * round even when there are more than one run reads. A held or orphaned deposit the WaaS still reports
 * successful has nothing to apply: it is only touched (markReread), which sends it to the back of the list.
 */
export interface RereadRow {
  waas_deposit_id: string
  status: DepositLedgerStatus
  waas_status: number
}

export async function listDepositsToReread(db: Knex, limit: number): Promise<RereadRow[]> {
  const result = await db.raw<{ rows: RereadRow[] }>(
    `SELECT waas_deposit_id, status, waas_status FROM ${DEPOSIT_TABLE}
      WHERE status IN (${statusList(DEPOSIT_STATUSES_REREAD)}) AND deleted_at IS NULL
      ORDER BY updated_at ASC LIMIT :limit`,
    { limit },
  )
  return result.rows
}

export async function markReread(db: Knex, waasDepositIds: string[]): Promise<void> {
  if (waasDepositIds.length === 0) return
  await db(DEPOSIT_TABLE).whereIn("waas_deposit_id", waasDepositIds).whereNull("deleted_at").update({ updated_at: db.fn.now() })
}
