import type { DepositRecord, MinerFeeRecord, WithdrawRecord } from "../../../protocol"
import { formatDecimal, parseDecimal, waasTimeToDate } from "../../../protocol"
import type { MirrorKind } from "./recon-states"

/**
 * A WaaS record as a mirror row (waas_mirror_record): canonical amounts, the WaaS's times as epoch ms, and
 * whether the WaaS may still move it. The list endpoints carry epoch-ms times; a formatted time (never seen on a
 * list) is read in the callbacks' zone like everywhere else.
 */
export interface MirrorRow {
  kind: MirrorKind
  waas_id: string
  request_id: string | null
  uid: string | null
  symbol: string
  amount: string
  status: number
  withdraw_type: number | null
  address_from: string
  address_to: string
  txid: string
  confirmations: number
  fee: string | null
  fee_symbol: string | null
  real_fee: string | null
  withdraw_fee: string | null
  withdraw_fee_symbol: string | null
  final: boolean
  created_ms: number
  updated_ms: number
}

const canonical = (v: string) => formatDecimal(parseDecimal(v))

/** protocol §2.17: a deposit (and a miner-fee record) is final at 1 or 2 */
export function isDepositStatusFinal(status: number): boolean {
  return status === 1 || status === 2
}

/** §2.17: a withdrawal is final at 2, 4, 5, 6; an internal transfer (type 2) at 0 (success) or 1 (failure) */
export function isWithdrawStatusFinal(status: number, withdrawType: number | null): boolean {
  if (withdrawType === 2) return status === 0 || status === 1
  return status === 2 || status === 4 || status === 5 || status === 6
}

export function depositRow(r: DepositRecord, offsetMinutes: number): MirrorRow {
  return {
    kind: "deposit",
    waas_id: String(r.id),
    request_id: null,
    uid: String(r.uid),
    symbol: r.symbol,
    amount: canonical(r.amount),
    status: r.status,
    withdraw_type: null,
    address_from: r.address_from ?? "",
    address_to: r.address_to,
    txid: r.txid ?? "",
    confirmations: r.confirmations ?? 0,
    fee: null,
    fee_symbol: null,
    real_fee: null,
    withdraw_fee: null,
    withdraw_fee_symbol: null,
    final: isDepositStatusFinal(r.status),
    created_ms: waasTimeToDate(r.created_at, offsetMinutes).getTime(),
    updated_ms: waasTimeToDate(r.updated_at, offsetMinutes).getTime(),
  }
}

export function withdrawalRow(r: WithdrawRecord, offsetMinutes: number): MirrorRow {
  const raw = r as WithdrawRecord & { withdraw_type?: unknown }
  const type = typeof raw.withdraw_type === "number" ? raw.withdraw_type : /^\d+$/.test(String(raw.withdraw_type ?? "")) ? Number(raw.withdraw_type) : null
  return {
    kind: "withdrawal",
    waas_id: String(r.id),
    request_id: r.request_id ?? "",
    uid: String(r.uid),
    symbol: r.symbol,
    amount: canonical(r.amount),
    status: r.status,
    withdraw_type: type,
    address_from: r.address_from ?? "",
    address_to: r.address_to,
    txid: r.txid ?? "",
    confirmations: r.confirmations ?? 0,
    fee: null,
    fee_symbol: r.fee_symbol ?? "",
    real_fee: canonical(r.real_fee ?? "0"),
    withdraw_fee: canonical(r.withdraw_fee ?? "0"),
    withdraw_fee_symbol: r.withdraw_fee_symbol ?? "",
    final: isWithdrawStatusFinal(r.status, type),
    created_ms: waasTimeToDate(r.created_at, offsetMinutes).getTime(),
    updated_ms: waasTimeToDate(r.updated_at, offsetMinutes).getTime(),
  }
}

/** §2.13: the fee's currency is not stated; base_symbol when the WaaS gives one, else the coin itself (an inference) */
export function minerFeeRow(r: MinerFeeRecord, offsetMinutes: number): MirrorRow {
  return {
    kind: "miner_fee",
    waas_id: String(r.id),
    request_id: null,
    uid: r.uid === undefined ? null : String(r.uid),
    symbol: r.symbol,
    amount: canonical(r.amount),
    status: r.status,
    withdraw_type: null,
    address_from: r.address_from ?? "",
    address_to: r.address_to ?? "",
    txid: r.txid ?? "",
    confirmations: r.confirmations ?? 0,
    fee: canonical(r.fee),
    fee_symbol: r.base_symbol ? r.base_symbol : r.symbol,
    real_fee: null,
    withdraw_fee: null,
    withdraw_fee_symbol: null,
    final: isDepositStatusFinal(r.status),
    created_ms: waasTimeToDate(r.created_at, offsetMinutes).getTime(),
    updated_ms: waasTimeToDate(r.updated_at, offsetMinutes).getTime(),
  }
}
