import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { statusList } from "../pool/pool-sql"
import { normalise, WITHDRAWAL_TABLE, type WithdrawalRow } from "./withdrawal-sql"
import type { WithdrawalStatus } from "./withdrawal-states"

/** The withdrawals as lists: a filter's page, its total, and the counts per status (the admin's Refunds groups). */
export interface WithdrawalFilter {
  status?: WithdrawalStatus[]
  order_id?: string
  crypto_payment_id?: string
  deposit_id?: string
}

function filterWhere(filter: WithdrawalFilter): { where: string; bindings: Record<string, unknown> } {
  const where = ["deleted_at IS NULL"]
  const bindings: Record<string, unknown> = {}
  if (filter.status?.length) where.push(`status IN (${statusList(filter.status)})`)
  for (const key of ["order_id", "crypto_payment_id", "deposit_id"] as const) {
    if (filter[key] !== undefined) {
      where.push(`${key} = :${key}`)
      bindings[key] = filter[key]
    }
  }
  return { where: where.join(" AND "), bindings }
}

export async function listWithdrawals(db: Knex, filter: WithdrawalFilter, limit: number, offset = 0): Promise<WithdrawalRow[]> {
  const { where, bindings } = filterWhere(filter)
  const result = await db.raw<{ rows: WithdrawalRow[] }>(
    `SELECT * FROM ${WITHDRAWAL_TABLE} WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset`,
    { ...bindings, limit, offset },
  )
  return result.rows.map(normalise)
}

/** how many withdrawals match (the list's total, for paging) */
export async function countWithdrawals(db: Knex, filter: WithdrawalFilter): Promise<number> {
  const { where, bindings } = filterWhere(filter)
  const result = await db.raw<{ rows: Array<{ n: string }> }>(`SELECT count(*) AS n FROM ${WITHDRAWAL_TABLE} WHERE ${where}`, bindings)
  return Number(result.rows[0].n)
}

/** how many withdrawals are in each status (one aggregate; statuses without any are absent) */
export async function countByStatus(db: Knex): Promise<Partial<Record<WithdrawalStatus, number>>> {
  const result = await db.raw<{ rows: Array<{ status: WithdrawalStatus; n: string }> }>(
    `SELECT status, count(*) AS n FROM ${WITHDRAWAL_TABLE} WHERE deleted_at IS NULL GROUP BY status`,
  )
  return Object.fromEntries(result.rows.map((r) => [r.status, Number(r.n)]))
}
