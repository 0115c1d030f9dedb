import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { submitWithdrawalSafely, WaasRequestError, WithdrawalOutcomeUnknownError, type WaasClient, type WithdrawInput } from "../../../client"
import { WaasBusinessError, WaasCode } from "../../../protocol"
import { appendAudit } from "./audit-sql"
import { wireAddress } from "./destination"
import { plainFailureReason } from "./failure-reasons"
import { moveWithdrawal } from "./transitions"
import { applyWaasFacts, factsOfRecord } from "./waas-records"
import { lockWithdrawal, type WithdrawalRow } from "./withdrawal-sql"

/**
 * Sending an approved withdrawal to the WaaS, in three committed steps (see the submission workflow):
 *   1. begin: lock the row, move it to `submitting`, COMMIT. The WaaS calls our second-confirmation route
 *      synchronously inside `withdraw`, and that route confirms only a `submitting` row.
 *   2. send: `submitWithdrawalSafely` with the stored request_id (a lookup before any resubmission, the
 *      same id only, 110088 read as "the WaaS has it"). No database transaction is open meanwhile.
 *   3. record: accepted → submitted (and on, by the answer's status); a business error → failed with its
 *      code and a plain-words reason (the refundable amount is free again); unknown → stays submitting,
 *      and the poller looks the request_id up later.
 */

export function withdrawInputOf(row: WithdrawalRow): WithdrawInput {
  return { request_id: row.request_id, from_uid: Number(row.from_uid), to_address: wireAddress(row), amount: row.amount, symbol: row.symbol }
}

/**
 * approved → submitting. A row already submitting is handed back only for a re-drive (the poller, once
 * the WaaS has shown no record of it for a while); otherwise a second caller (the approval and the poller
 * at once) gets null and sends nothing.
 */
export async function beginSubmission(trx: Knex.Transaction, row: WithdrawalRow | null, redrive: boolean, now: Date): Promise<WithdrawalRow | null> {
  if (!row) return null
  if (row.status === "submitting") return redrive ? row : null
  if (row.status !== "approved") return null
  return moveWithdrawal(trx, row, "submitting", {}, { action: "submission_started", source: "workflow", actor: null, detail: withdrawInputOf(row) as never }, now)
}

export type SendOutcome =
  | { kind: "accepted"; waas_withdrawal_id: string; withdraw_type: number; status: number; attempts: number }
  | { kind: "existing"; via: string; record: Parameters<typeof factsOfRecord>[0] }
  | { kind: "refused"; code: string; message: string }
  | { kind: "unknown"; message: string }

export async function sendWithdrawal(client: WaasClient, input: WithdrawInput, settleDelayMs?: number): Promise<SendOutcome> {
  try {
    const outcome = await submitWithdrawalSafely(client, input, settleDelayMs === undefined ? {} : { settleDelayMs })
    if (outcome.kind === "submitted") {
      const r = outcome.result
      return { kind: "accepted", waas_withdrawal_id: String(r.id), withdraw_type: r.withdraw_type, status: r.status, attempts: outcome.attempts }
    }
    return { kind: "existing", via: outcome.via, record: outcome.record }
  } catch (e) {
    // a definitive business error: the WaaS created nothing (submitWithdrawalSafely rethrows only those)
    if (e instanceof WaasBusinessError && e.code !== WaasCode.SYSTEM_ERROR) return { kind: "refused", code: e.code, message: e.waasMessage }
    if (e instanceof WithdrawalOutcomeUnknownError || e instanceof WaasRequestError) return { kind: "unknown", message: e.message }
    return { kind: "unknown", message: e instanceof Error ? e.message : String(e) }
  }
}

export async function recordSubmission(trx: Knex.Transaction, id: string, outcome: SendOutcome, now: Date): Promise<WithdrawalRow | null> {
  const row = await lockWithdrawal(trx, id)
  if (!row) return null
  switch (outcome.kind) {
    case "accepted":
      return applyWaasFacts(trx, row, { waas_withdrawal_id: outcome.waas_withdrawal_id, withdraw_type: outcome.withdraw_type, status: outcome.status }, "workflow", now)
    case "existing":
      return applyWaasFacts(trx, row, factsOfRecord(outcome.record), "workflow", now)
    case "refused": {
      // a callback or the poller may have moved the row meanwhile; a refusal only ends a row still in flight here
      if (row.status !== "submitting") return row
      const reason = plainFailureReason(outcome.code, outcome.message)
      return moveWithdrawal(
        trx,
        row,
        "failed",
        { failure_code: outcome.code, failure_reason: reason },
        { action: "failed", source: "workflow", actor: null, detail: { code: outcome.code, waas_message: outcome.message } },
        now,
      )
    }
    case "unknown":
      await appendAudit(
        trx,
        { withdrawal_id: row.id, request_id: row.request_id, action: "submission_outcome_unknown", source: "workflow", actor: null, detail: { message: outcome.message } },
        now,
      )
      return row
  }
}
