import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { statusList } from "../pool/pool-sql"
import {
  type FeeBearer,
  type RateBasis,
  type WithdrawalSource,
  type WithdrawalStatus,
  WITHDRAWAL_STATUSES_RELEASED,
} from "./withdrawal-states"
import { newEntityId } from "../entity-id"

/**
 * Row-level SQL of the withdrawal ledger. Status writes are compare-and-set on the status the caller read
 * under its row lock (FOR UPDATE), after the caller checked the transition table; a row that moved in
 * between is an error, never a silent overwrite. Lock order everywhere: the payment (or deposit) row first,
 * then withdrawal rows, so a request and a status change of the same payment serialise without deadlock.
 */
export const WITHDRAWAL_TABLE = "waas_withdrawal"

export interface WithdrawalRow {
  id: string
  request_id: string
  source: WithdrawalSource
  crypto_payment_id: string | null
  deposit_id: string | null
  order_id: string | null
  payment_session_id: string | null
  symbol: string
  network: string
  decimals: number
  to_address: string | null
  memo: string | null
  address_given_by: string | null
  refund_amount: string
  amount: string
  receive_amount: string | null
  fee_bearer: FeeBearer
  expected_service_fee: string | null
  fiat_amount: string | null
  currency_code: string | null
  rate: string | null
  rate_basis: RateBasis
  rate_source: string | null
  rate_at: Date | null
  from_uid: string
  reason: string
  requested_by: string | null
  approvals_required: number
  approved_by: { ids: string[] }
  rejected_by: string | null
  rejection_reason: string | null
  status: WithdrawalStatus
  waas_withdrawal_id: string | null
  withdraw_type: number | null
  waas_status: number | null
  txid: string | null
  confirmations: number | null
  withdraw_fee: string | null
  withdraw_fee_symbol: string | null
  real_fee: string | null
  fee_symbol: string | null
  failure_code: string | null
  failure_reason: string | null
  submitted_at: Date | null
  completed_at: Date | null
  medusa_refund_id: string | null
  medusa_refund_claimed_at: Date | null
  address_token_hash: string | null
  address_token_expires_at: Date | null
  medusa_refunded_at: Date | null
  created_at: Date
  updated_at: Date
}

/** what a new request writes; everything else starts null (or at its default) */
export type NewWithdrawal = Pick<
  WithdrawalRow,
  | "source"
  | "crypto_payment_id"
  | "deposit_id"
  | "order_id"
  | "payment_session_id"
  | "symbol"
  | "network"
  | "decimals"
  | "to_address"
  | "memo"
  | "address_given_by"
  | "refund_amount"
  | "amount"
  | "receive_amount"
  | "fee_bearer"
  | "expected_service_fee"
  | "fiat_amount"
  | "currency_code"
  | "rate"
  | "rate_basis"
  | "rate_source"
  | "rate_at"
  | "from_uid"
  | "reason"
  | "requested_by"
  | "approvals_required"
>

/** the columns a status change may also set */
export type WithdrawalChange = Partial<
  Pick<
    WithdrawalRow,
    | "approved_by"
    | "rejected_by"
    | "rejection_reason"
    | "waas_withdrawal_id"
    | "withdraw_type"
    | "waas_status"
    | "txid"
    | "confirmations"
    | "withdraw_fee"
    | "withdraw_fee_symbol"
    | "real_fee"
    | "fee_symbol"
    | "failure_code"
    | "failure_reason"
    | "submitted_at"
    | "completed_at"
    | "to_address"
    | "memo"
    | "address_given_by"
    | "address_token_hash"
    | "address_token_expires_at"
  >
>

const CHANGEABLE = new Set<string>([
  "approved_by",
  "rejected_by",
  "rejection_reason",
  "waas_withdrawal_id",
  "withdraw_type",
  "waas_status",
  "txid",
  "confirmations",
  "withdraw_fee",
  "withdraw_fee_symbol",
  "real_fee",
  "fee_symbol",
  "failure_code",
  "failure_reason",
  "submitted_at",
  "completed_at",
  "to_address",
  "memo",
  "address_given_by",
  "address_token_hash",
  "address_token_expires_at",
])

export function normalise(row: WithdrawalRow): WithdrawalRow {
  return {
    ...row,
    decimals: Number(row.decimals),
    approvals_required: Number(row.approvals_required),
    approved_by: { ids: Array.isArray(row.approved_by?.ids) ? row.approved_by.ids : [] },
  }
}

/** A new request with a request_id of our own (≤ 64 chars, [A-Za-z0-9_]), fixed here for its whole life. */
export async function insertWithdrawal(trx: Knex.Transaction, w: NewWithdrawal, now: Date): Promise<WithdrawalRow> {
  const id = newEntityId("wwdr")
  const requestId = newEntityId("wreq")
  const result = await trx.raw<{ rows: WithdrawalRow[] }>(
    `INSERT INTO ${WITHDRAWAL_TABLE}
       (id, request_id, source, crypto_payment_id, deposit_id, order_id, payment_session_id, symbol, network, decimals,
        to_address, memo, address_given_by, refund_amount, amount, receive_amount, fee_bearer, expected_service_fee,
        fiat_amount, currency_code, rate, rate_basis, rate_source, rate_at, from_uid, reason, requested_by,
        approvals_required, approved_by, status, created_at, updated_at)
     VALUES (:id, :request_id, :source, :crypto_payment_id, :deposit_id, :order_id, :payment_session_id, :symbol, :network,
        :decimals, :to_address, :memo, :address_given_by, :refund_amount, :amount, :receive_amount, :fee_bearer,
        :expected_service_fee, :fiat_amount, :currency_code, :rate, :rate_basis, :rate_source, :rate_at, :from_uid, :reason,
        :requested_by, :approvals_required, '{"ids":[]}'::jsonb, 'requested', :now, :now)
     RETURNING *`,
    { ...w, id, request_id: requestId, now },
  )
  return normalise(result.rows[0])
}

export async function lockWithdrawal(trx: Knex.Transaction, id: string): Promise<WithdrawalRow | null> {
  const result = await trx.raw<{ rows: WithdrawalRow[] }>(
    `SELECT * FROM ${WITHDRAWAL_TABLE} WHERE id = ? AND deleted_at IS NULL FOR UPDATE`,
    [id],
  )
  return result.rows[0] ? normalise(result.rows[0]) : null
}

export async function lockWithdrawalByRequestId(trx: Knex.Transaction, requestId: string): Promise<WithdrawalRow | null> {
  const result = await trx.raw<{ rows: WithdrawalRow[] }>(
    `SELECT * FROM ${WITHDRAWAL_TABLE} WHERE request_id = ? AND deleted_at IS NULL FOR UPDATE`,
    [requestId],
  )
  return result.rows[0] ? normalise(result.rows[0]) : null
}

/** The second confirmation's one read: the unique request_id index, no lock (the handler writes nothing here). */
export async function findWithdrawalByRequestId(db: Knex, requestId: string): Promise<WithdrawalRow | null> {
  const result = await db.raw<{ rows: WithdrawalRow[] }>(
    `SELECT * FROM ${WITHDRAWAL_TABLE} WHERE request_id = ? AND deleted_at IS NULL`,
    [requestId],
  )
  return result.rows[0] ? normalise(result.rows[0]) : null
}

export async function findWithdrawal(db: Knex, id: string): Promise<WithdrawalRow | null> {
  const result = await db.raw<{ rows: WithdrawalRow[] }>(`SELECT * FROM ${WITHDRAWAL_TABLE} WHERE id = ? AND deleted_at IS NULL`, [id])
  return result.rows[0] ? normalise(result.rows[0]) : null
}

/**
 * Writes a status change (or, with from === to, only the WaaS facts) on a row the caller holds locked in
 * `from`. The caller has checked WithdrawalMachine.
 */
export async function updateWithdrawal(
  trx: Knex.Transaction,
  args: { id: string; from: WithdrawalStatus; to: WithdrawalStatus; change: WithdrawalChange; now: Date },
): Promise<WithdrawalRow> {
  const sets = ["status = :to", "updated_at = :now"]
  const bindings: Record<string, unknown> = { id: args.id, from: args.from, to: args.to, now: args.now }
  for (const [key, value] of Object.entries(args.change)) {
    if (!CHANGEABLE.has(key) || value === undefined) continue
    if (value === null) {
      sets.push(`${key} = NULL`)
      continue
    }
    sets.push(key === "approved_by" ? `${key} = CAST(:${key} AS jsonb)` : `${key} = :${key}`)
    bindings[key] = key === "approved_by" ? JSON.stringify(value) : value
  }
  const result = await trx.raw<{ rows: WithdrawalRow[] }>(
    `UPDATE ${WITHDRAWAL_TABLE} SET ${sets.join(", ")} WHERE id = :id AND status = :from AND deleted_at IS NULL RETURNING *`,
    bindings,
  )
  if (result.rows.length !== 1) throw new Error(`withdrawal ${args.id} changed under its row lock (expected status ${args.from})`)
  return normalise(result.rows[0])
}

/** What withdrawals of one payment or deposit still hold (every status but rejected, canceled, failed). */
export async function sumHeld(
  trx: Knex.Transaction,
  args: { source: WithdrawalSource; crypto_payment_id?: string; deposit_id?: string },
): Promise<{ crypto: string; fiat: string }> {
  const column = args.source === "deposit" ? "deposit_id" : "crypto_payment_id"
  const ref = args.source === "deposit" ? args.deposit_id : args.crypto_payment_id
  const result = await trx.raw<{ rows: Array<{ crypto: string | null; fiat: string | null }> }>(
    `SELECT COALESCE(SUM(CAST(refund_amount AS numeric)), 0)::text AS crypto,
            COALESCE(SUM(CAST(COALESCE(fiat_amount, '0') AS numeric)), 0)::text AS fiat
       FROM ${WITHDRAWAL_TABLE}
      WHERE ${column} = :ref AND source = :source AND deleted_at IS NULL
        AND status NOT IN (${statusList(WITHDRAWAL_STATUSES_RELEASED)})`,
    { ref, source: args.source },
  )
  return { crypto: result.rows[0]?.crypto ?? "0", fiat: result.rows[0]?.fiat ?? "0" }
}

/** request_ids of withdrawals in `statuses`, least recently touched first (the poller's re-read) */
export async function listRequestIds(db: Knex, statuses: readonly WithdrawalStatus[], limit: number): Promise<string[]> {
  const result = await db.raw<{ rows: Array<{ request_id: string }> }>(
    `SELECT request_id FROM ${WITHDRAWAL_TABLE}
      WHERE status IN (${statusList(statuses)}) AND deleted_at IS NULL ORDER BY updated_at ASC LIMIT :limit`,
    { limit },
  )
  return result.rows.map((r) => r.request_id)
}
