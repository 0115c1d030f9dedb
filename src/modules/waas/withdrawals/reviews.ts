import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { MedusaError } from "@medusajs/framework/utils"
import type { Destination } from "./destination"
import { moveWithdrawal } from "./transitions"
import { lockWithdrawal, type WithdrawalRow } from "./withdrawal-sql"
import type { AuditSource } from "./withdrawal-states"

/**
 * The human decisions on a request, each under the withdrawal's row lock: approvals by admins other than
 * the requester (four eyes), rejection with a reason, cancellation, and the destination (from an admin or
 * the shopper). A request becomes `approved` when it has its destination and enough distinct approvers.
 */

async function lockOrFail(trx: Knex.Transaction, id: string): Promise<WithdrawalRow> {
  const row = await lockWithdrawal(trx, id)
  if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `withdrawal ${id} does not exist`)
  return row
}

const notAllowed = (message: string) => new MedusaError(MedusaError.Types.NOT_ALLOWED, message)

/** requested → approved once the destination is known and the approvals suffice; else unchanged */
async function approveIfReady(trx: Knex.Transaction, row: WithdrawalRow, actor: string | null, now: Date): Promise<WithdrawalRow> {
  if (row.status !== "requested" || !row.to_address || row.approved_by.ids.length < row.approvals_required) return row
  const automatic = row.approvals_required === 0
  return moveWithdrawal(
    trx,
    row,
    "approved",
    {},
    {
      action: automatic ? "approved_without_review" : "approved",
      source: automatic ? "system" : "admin",
      actor: automatic ? null : actor,
      detail: { approvers: row.approved_by.ids, required: row.approvals_required },
    },
    now,
  )
}

export async function approveWithdrawal(trx: Knex.Transaction, id: string, actor: string, now: Date): Promise<WithdrawalRow> {
  const row = await lockOrFail(trx, id)
  if (row.requested_by !== null && row.requested_by === actor) {
    throw new MedusaError(MedusaError.Types.FORBIDDEN, `withdrawal ${id} was requested by you: another admin must approve it`)
  }
  if (row.status !== "requested") throw notAllowed(`withdrawal ${id} is ${row.status}: only a requested withdrawal can be approved`)
  if (!row.to_address) throw notAllowed(`withdrawal ${id} has no destination address yet: set one before approving`)
  if (row.approved_by.ids.includes(actor)) throw notAllowed(`you already approved withdrawal ${id}; it needs another admin`)
  const ids = [...row.approved_by.ids, actor]
  const recorded = await moveWithdrawal(
    trx,
    row,
    "requested",
    { approved_by: { ids } },
    { action: "approval", source: "admin", actor, detail: { approvals: ids.length, required: row.approvals_required } },
    now,
  )
  return approveIfReady(trx, recorded, actor, now)
}

export async function rejectWithdrawal(trx: Knex.Transaction, id: string, actor: string, reason: string, now: Date): Promise<WithdrawalRow> {
  const row = await lockOrFail(trx, id)
  if (row.status !== "requested") {
    throw notAllowed(`withdrawal ${id} is ${row.status}: only a requested withdrawal can be rejected (cancel an approved one)`)
  }
  return moveWithdrawal(trx, row, "rejected", { rejected_by: actor, rejection_reason: reason }, { action: "rejected", source: "admin", actor, detail: { reason } }, now)
}

export async function cancelWithdrawal(trx: Knex.Transaction, id: string, actor: string, reason: string, now: Date): Promise<WithdrawalRow> {
  const row = await lockOrFail(trx, id)
  if (row.status !== "requested" && row.status !== "approved") {
    throw notAllowed(`withdrawal ${id} is ${row.status}: only a withdrawal not yet sent to the WaaS can be canceled`)
  }
  return moveWithdrawal(trx, row, "canceled", { failure_reason: reason }, { action: "canceled", source: "admin", actor, detail: { reason } }, now)
}

/** Sets (or replaces) the destination of a request not yet approved; auto-approves when approvals are 0. */
export async function setWithdrawalDestination(
  trx: Knex.Transaction,
  id: string,
  destination: Destination,
  by: { source: AuditSource; actor: string | null },
  now: Date,
): Promise<WithdrawalRow> {
  const row = await lockOrFail(trx, id)
  if (row.status !== "requested") throw notAllowed(`withdrawal ${id} is ${row.status}: its destination can no longer change`)
  // an address changed after approvals would send the money somewhere nobody approved: approvals start over
  const resetApprovals = row.approved_by.ids.length > 0 && row.to_address !== destination.address
  const updated = await moveWithdrawal(
    trx,
    row,
    "requested",
    {
      to_address: destination.address,
      memo: destination.memo,
      address_given_by: by.actor ?? by.source,
      ...(resetApprovals && { approved_by: { ids: [] } }),
    },
    {
      action: "destination_set",
      source: by.source,
      actor: by.actor,
      detail: { to_address: destination.address, memo: destination.memo, previous: row.to_address, approvals_reset: resetApprovals },
    },
    now,
  )
  return approveIfReady(trx, updated, by.actor, now)
}

export { approveIfReady }
