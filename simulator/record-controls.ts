import { formatDecimal, isDecimalString } from "../src/protocol"
import { SimControlError } from "./errors"
import type { SimState } from "./state"
import type { RecordHiding, SimDeposit, SimMinerFee, SimRecordEdit, SimRecordKind, SimWithdrawal } from "./types"

/**
 * The reconciliation's controls (a simulator extension): every break type must be producible. A record's fields
 * changed after the fact, and a record dropped from the sync lists or from every list, both silently: no
 * notification, as when the WaaS's own books move without telling the merchant.
 */
type AnyRecord = SimDeposit | SimWithdrawal | SimMinerFee

function recordOf(state: SimState, kind: SimRecordKind, id: number): AnyRecord {
  if (kind === "deposit") return state.deposits.rawDeposit(id)
  if (kind === "withdrawal") return state.withdrawals.rawWithdrawal(id)
  if (kind === "miner_fee") return state.deposits.rawMinerFee(id)
  throw new SimControlError(400, `unknown record kind ${String(kind)}`)
}

const amount = (field: string, v: string | undefined) => {
  if (v === undefined) return undefined
  if (!isDecimalString(v)) throw new SimControlError(400, `${field} must be a decimal string`)
  return formatDecimal(v)
}

export function editRecord(state: SimState, now: number, kind: SimRecordKind, id: number, set: SimRecordEdit): AnyRecord {
  const r = recordOf(state, kind, id)
  const allowed: Record<SimRecordKind, Array<keyof SimRecordEdit>> = {
    deposit: ["amount", "status", "symbol", "address_to", "txid"],
    withdrawal: ["amount", "status", "symbol", "address_to", "txid", "withdraw_fee", "real_fee"],
    miner_fee: ["amount", "status", "fee", "txid"],
  }
  const unknown = Object.keys(set).filter((k) => !allowed[kind].includes(k as keyof SimRecordEdit))
  if (unknown.length) throw new SimControlError(400, `a ${kind} record cannot have ${unknown.join(", ")} changed (only ${allowed[kind].join(", ")})`)
  const target = r as unknown as Record<string, unknown>
  if (set.amount !== undefined) target.amount = amount("amount", set.amount)
  if (set.status !== undefined) target.status = set.status
  if (set.symbol !== undefined) target.symbol = set.symbol
  if (set.address_to !== undefined) target.addressTo = set.address_to
  if (set.txid !== undefined) target.txid = set.txid
  if (set.withdraw_fee !== undefined) target.withdrawFee = amount("withdraw_fee", set.withdraw_fee)
  if (set.real_fee !== undefined) target.realFee = amount("real_fee", set.real_fee)
  if (set.fee !== undefined) target.fee = amount("fee", set.fee)
  if (!(r as SimDeposit).fixedTime) r.updatedAt = Math.max(now, r.updatedAt)
  return { ...r }
}

export function dropRecord(state: SimState, kind: SimRecordKind, id: number, scope: RecordHiding = "sync"): AnyRecord {
  const r = recordOf(state, kind, id)
  r.hidden = scope
  return { ...r }
}
