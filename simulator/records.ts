import { formatDecimal, formatWaasTime, type ExactDecimal } from "../src/protocol"
import type { SimDeposit, SimMinerFee, SimWithdrawal } from "./types"

/**
 * Wire shapes of the simulator's records. List/sync responses follow the real published deposit-list response:
 * ids, confirmations and statuses as JSON numbers, amounts as decimal strings, created_at/updated_at as epoch-ms
 * numbers (§2.10, §2.12). Notifications follow the real captured callback: every value a string, times as
 * `YYYY-MM-DD HH:mm:ss` in the configured zone, notify_time/time as epoch-ms strings (§3.2).
 */
export interface RenderOptions {
  /** pad amounts to exactly this many fraction digits (the real deposit list shows "0.0002000000000000") */
  amountScale?: number
  utcOffsetMinutes: number
}

export function renderAmount(value: string | ExactDecimal, scale?: number): string {
  const canonical = formatDecimal(value)
  if (scale === undefined) return canonical
  const [int, frac = ""] = canonical.split(".")
  if (frac.length >= scale) return canonical
  return scale === 0 ? int : `${int}.${frac.padEnd(scale, "0")}`
}

/** "1.5" → "1,5", "10" → "10,0": the decimal-comma form of the real captured callback ("222,0000022111") */
export function malformAmount(value: string): string {
  return value.includes(".") ? value.replace(".", ",") : `${value},0`
}

const AMOUNT_KEYS = new Set(["amount", "balance", "normal_balance", "lock_balance", "withdraw_fee", "real_fee", "fee"])

/** rewrite every amount-like string in a response `data` (fault injection) */
export function malformAmountsDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(malformAmountsDeep)
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      out[k] = AMOUNT_KEYS.has(k) && typeof v === "string" ? malformAmount(v) : malformAmountsDeep(v)
    }
    return out
  }
  return value
}

export function depositToWire(d: SimDeposit, o: RenderOptions): Record<string, unknown> {
  // key order and key set of the real published response (no address_from)
  return {
    symbol: d.symbol,
    uid: d.uid,
    amount: renderAmount(d.amount, o.amountScale),
    updated_at: d.updatedAt,
    address_to: d.addressTo,
    created_at: d.createdAt,
    txid: d.txid,
    id: d.id,
    confirmations: d.confirmations,
    status: d.status,
  }
}

export function withdrawalToWire(w: SimWithdrawal, o: RenderOptions): Record<string, unknown> {
  return {
    id: w.id,
    request_id: w.requestId,
    uid: w.uid,
    symbol: w.symbol,
    amount: renderAmount(w.amount, o.amountScale),
    withdraw_fee_symbol: w.withdrawFeeSymbol,
    withdraw_fee: renderAmount(w.withdrawFee, o.amountScale),
    fee_symbol: w.feeSymbol,
    real_fee: renderAmount(w.realFee, o.amountScale),
    fee: renderAmount(w.realFee, o.amountScale),
    address_from: w.addressFrom,
    address_to: w.addressTo,
    txid: w.txid,
    confirmations: w.confirmations,
    saas_status: w.saasStatus,
    company_status: w.companyStatus,
    status: w.status,
    created_at: w.createdAt,
    updated_at: w.updatedAt,
    // not in the docs' table, but needed to read `status` (type 2 uses 0 success / 1 failure)
    withdraw_type: w.withdrawType,
  }
}

export function minerFeeToWire(f: SimMinerFee, email: string, o: RenderOptions): Record<string, unknown> {
  return {
    id: f.id,
    uid: f.uid,
    symbol: f.symbol,
    amount: renderAmount(f.amount, o.amountScale),
    fee: renderAmount(f.fee, o.amountScale),
    base_symbol: f.baseSymbol,
    contract_address: f.contractAddress,
    txid: f.txid,
    txid_type: f.txidType,
    confirmations: f.confirmations,
    status: f.status,
    address_from: f.addressFrom,
    address_to: f.addressTo,
    email,
    created_at: f.createdAt,
    updated_at: f.updatedAt,
  }
}

/**
 * The deposit callback with the key set and order of the real captured one (a Java HashMap order), including the
 * withdrawal-fee keys it carries on deposits too.
 */
export function depositNotification(d: SimDeposit, feeSymbol: string, o: RenderOptions): Record<string, string> {
  return {
    withdraw_fee: "0",
    charset: "utf-8",
    symbol: d.symbol,
    side: "deposit",
    notify_time: "",
    amount: renderAmount(d.amount, o.amountScale),
    real_fee: "0",
    sign: "",
    address_to: d.addressTo,
    txid: d.txid,
    created_at: formatWaasTime(new Date(d.createdAt), o.utcOffsetMinutes),
    confirmations: String(d.confirmations),
    version: "2.0",
    uid: String(d.uid),
    withdraw_fee_symbol: d.symbol,
    fee_symbol: feeSymbol,
    updated_at: formatWaasTime(new Date(d.updatedAt), o.utcOffsetMinutes),
    time: "",
    id: String(d.id),
    app_id: d.appId,
    status: String(d.status),
  }
}

export function withdrawNotification(w: SimWithdrawal, o: RenderOptions): Record<string, string> {
  return {
    withdraw_fee: renderAmount(w.withdrawFee, o.amountScale),
    charset: "utf-8",
    symbol: w.symbol,
    side: "withdraw",
    notify_time: "",
    amount: renderAmount(w.amount, o.amountScale),
    real_fee: renderAmount(w.realFee, o.amountScale),
    sign: "",
    address_to: w.addressTo,
    txid: w.txid,
    created_at: formatWaasTime(new Date(w.createdAt), o.utcOffsetMinutes),
    confirmations: String(w.confirmations),
    version: "2.0",
    uid: String(w.uid),
    request_id: w.requestId,
    withdraw_fee_symbol: w.withdrawFeeSymbol,
    fee_symbol: w.feeSymbol,
    updated_at: formatWaasTime(new Date(w.updatedAt), o.utcOffsetMinutes),
    time: "",
    id: String(w.id),
    app_id: w.appId,
    status: String(w.status),
    withdraw_type: String(w.withdrawType),
  }
}
