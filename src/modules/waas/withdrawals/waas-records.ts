import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { formatDecimal, parseDecimal, WithdrawType, withdrawOutcome, type WithdrawRecord } from "../../../protocol"
import { appendAudit } from "./audit-sql"
import { wireAddress } from "./destination"
import { plainStatusFailure } from "./failure-reasons"
import { moveWithdrawal } from "./transitions"
import type { WithdrawalChange, WithdrawalRow } from "./withdrawal-sql"
import type { AuditSource, WithdrawalStatus } from "./withdrawal-states"

/**
 * What the WaaS says about one of our withdrawals (its withdraw answer, a withdrawList record, a sync
 * page), applied to the locked row: the facts (WaaS id, txid, confirmations, both fees) stored as reported,
 * the status moved forward through the transition table (final states are sticky, so a late or repeated
 * report changes nothing). Statuses per protocol §2.17; an internal transfer (withdraw_type 2) uses 0
 * success / 1 failure.
 */
export interface WaasWithdrawalFacts {
  waas_withdrawal_id: string
  withdraw_type: number | null
  status: number
  txid?: string
  confirmations?: number
  withdraw_fee?: string
  withdraw_fee_symbol?: string
  real_fee?: string
  fee_symbol?: string
}

export function factsOfRecord(record: WithdrawRecord): WaasWithdrawalFacts {
  const type = (record as Record<string, unknown>).withdraw_type
  const withdrawType = typeof type === "number" ? type : typeof type === "string" && /^\d$/.test(type) ? Number(type) : null
  return {
    waas_withdrawal_id: String(record.id),
    withdraw_type: withdrawType,
    status: record.status,
    txid: record.txid,
    confirmations: record.confirmations,
    withdraw_fee: formatDecimal(parseDecimal(record.withdraw_fee)),
    withdraw_fee_symbol: record.withdraw_fee_symbol,
    real_fee: formatDecimal(parseDecimal(record.real_fee)),
    fee_symbol: record.fee_symbol,
  }
}

/** fields where a WaaS record differs from the withdrawal we sent under that request_id */
export function recordMismatch(row: WithdrawalRow, record: WithdrawRecord): string[] {
  const diffs: string[] = []
  if (String(record.uid) !== row.from_uid) diffs.push("uid")
  if (record.symbol !== row.symbol) diffs.push("symbol")
  if (record.address_to !== wireAddress(row)) diffs.push("address_to")
  if (!parseDecimal(record.amount).equals(parseDecimal(row.amount))) diffs.push("amount")
  return diffs
}

/** our status for a WaaS status */
export function targetStatus(facts: Pick<WaasWithdrawalFacts, "status" | "withdraw_type">, current: WithdrawalRow["withdraw_type"]): WithdrawalStatus {
  const type = facts.withdraw_type ?? current
  if (type === WithdrawType.INTERNAL) return facts.status === 0 ? "completed" : "failed"
  if (facts.status === 6) return "canceled"
  const outcome = withdrawOutcome(facts.status)
  return outcome === "success" ? "completed" : outcome === "failed" ? "failed" : "submitted"
}

export async function applyWaasFacts(
  trx: Knex.Transaction,
  row: WithdrawalRow,
  facts: WaasWithdrawalFacts,
  source: AuditSource,
  now: Date,
): Promise<WithdrawalRow> {
  if (row.status !== "submitting" && row.status !== "submitted") {
    // final (or never sent): a repeat or a late report; keep the trail, change nothing
    if (row.status === "completed" || row.status === "failed" || row.status === "canceled") return row
    await appendAudit(
      trx,
      { withdrawal_id: row.id, request_id: row.request_id, action: "unexpected_waas_report", source, actor: null, detail: { ...facts } },
      now,
    )
    return row
  }
  const internal = (facts.withdraw_type ?? row.withdraw_type) === WithdrawType.INTERNAL
  const target = targetStatus(facts, row.withdraw_type)
  const change: WithdrawalChange = {
    waas_withdrawal_id: facts.waas_withdrawal_id,
    withdraw_type: facts.withdraw_type ?? row.withdraw_type,
    waas_status: facts.status,
    ...(facts.txid !== undefined && { txid: facts.txid || null }),
    ...(facts.confirmations !== undefined && { confirmations: facts.confirmations }),
    ...(facts.withdraw_fee !== undefined && { withdraw_fee: facts.withdraw_fee, withdraw_fee_symbol: facts.withdraw_fee_symbol ?? null }),
    ...(facts.real_fee !== undefined && { real_fee: facts.real_fee, fee_symbol: facts.fee_symbol ?? null }),
  }
  let current = row
  if (current.status === "submitting") {
    current = await moveWithdrawal(trx, current, "submitted", { ...change, submitted_at: now }, { action: "submitted", source, actor: null, detail: { ...facts } }, now)
  }
  if (target === "submitted") {
    // still pending at the WaaS: store what moved; audit only news (a just-audited submission needs none)
    const news = current === row && (row.waas_status !== facts.status || (facts.txid !== undefined && (facts.txid || null) !== row.txid))
    return moveWithdrawal(trx, current, "submitted", change, news ? { action: "waas_status", source, actor: null, detail: { ...facts } } : null, now)
  }
  const failure = target === "failed" ? plainStatusFailure(facts.status, internal) : null
  return moveWithdrawal(
    trx,
    current,
    target,
    { ...change, ...(target === "completed" && { completed_at: now }), ...(failure && { failure_code: failure.code, failure_reason: failure.reason }) },
    { action: target, source, actor: null, detail: { ...facts } },
    now,
  )
}
