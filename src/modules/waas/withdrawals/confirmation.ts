import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { KeyObject } from "node:crypto"
import { parseDecimal, sealConfirmationAnswer, type SealedAnswer, type WithdrawConfirmationRequest } from "../../../protocol"
import { appendAudit } from "./audit-sql"
import { wireAddress } from "./destination"
import { findWithdrawalByRequestId, type WithdrawalRow } from "./withdrawal-sql"

/**
 * The WaaS's second confirmation (protocol §3.4), asked synchronously inside its `withdraw` call, which
 * waits on the answer: one indexed read (request_id), a comparison, one audit insert, no WaaS call.
 * Confirmed ONLY when our row is `submitting` (we are sending it right now) and from_uid, to_address,
 * symbol and amount (as decimals) all equal what we sent. Anything else is denied: the answer then does
 * not carry the check_sum, and the WaaS fails the withdraw with 120206, so nothing is paid.
 */
export type ConfirmationVerdict =
  | { confirmed: true; withdrawal_id: string; answer: SealedAnswer }
  | { confirmed: false; withdrawal_id: string | null; reason: string }

export function mismatches(row: WithdrawalRow, req: WithdrawConfirmationRequest): string[] {
  const diffs: string[] = []
  if (String(req.from_uid) !== row.from_uid) diffs.push("from_uid")
  if (!row.to_address || req.to_address !== wireAddress(row)) diffs.push("to_address")
  if (req.symbol !== row.symbol) diffs.push("symbol")
  if (!parseDecimal(req.amount).equals(parseDecimal(row.amount))) diffs.push("amount")
  return diffs
}

export async function answerConfirmation(
  db: Knex,
  req: WithdrawConfirmationRequest,
  keys: { merchantPrivateKey: KeyObject; mode: "envelope" | "bare" },
  now: Date,
): Promise<ConfirmationVerdict> {
  const row = await findWithdrawalByRequestId(db, req.request_id)
  let verdict: ConfirmationVerdict
  if (!row) {
    verdict = { confirmed: false, withdrawal_id: null, reason: "unknown request_id: no withdrawal of ours has it" }
  } else if (row.status !== "submitting") {
    verdict = { confirmed: false, withdrawal_id: row.id, reason: `the withdrawal is ${row.status}, not being submitted` }
  } else {
    const diffs = mismatches(row, req)
    verdict =
      diffs.length > 0
        ? { confirmed: false, withdrawal_id: row.id, reason: `the request differs from our withdrawal in ${diffs.join(", ")}` }
        : { confirmed: true, withdrawal_id: row.id, answer: sealConfirmationAnswer(req.check_sum, keys.merchantPrivateKey, keys.mode, now.getTime()) }
  }
  await appendAudit(
    db,
    {
      withdrawal_id: verdict.withdrawal_id,
      request_id: req.request_id,
      action: verdict.confirmed ? "second_confirmation_confirmed" : "second_confirmation_denied",
      source: "confirmation",
      actor: null,
      from_status: row?.status ?? null,
      to_status: row?.status ?? null,
      // what the WaaS asked (check_sum excluded: it is the WaaS's one-time secret)
      detail: {
        asked: { from_uid: String(req.from_uid), to_address: req.to_address, symbol: req.symbol, amount: req.amount },
        ...(verdict.confirmed ? {} : { reason: verdict.reason }),
      },
    },
    now,
  )
  return verdict
}
