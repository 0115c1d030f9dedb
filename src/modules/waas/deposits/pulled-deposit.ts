import {
  DepositRecord,
  formatDecimal,
  formatIssues,
  parseDecimal,
  waasTimeToDate,
  zId,
  zInt,
  zWaasTime,
} from "../../../protocol"
import type { DepositFactsRow } from "./ledger-sql"

/**
 * A deposit as read back from the WaaS (depositList, syncDepositList), each record validated on its own: one
 * record that does not match the protocol (a decimal comma in its amount, a missing field) must not hide the
 * others, or stop the sync behind it. A record whose id can be read but nothing else is kept as `unreadable`, so
 * it can be parked for review under that id; one without a readable id can only be counted.
 */
export type PulledDeposit =
  | { kind: "record"; record: DepositRecord }
  | { kind: "unreadable"; waas_deposit_id: string; raw: Record<string, unknown>; problems: string[] }

export function readDepositRows(rows: readonly unknown[]): { deposits: PulledDeposit[]; unidentified: number } {
  const deposits: PulledDeposit[] = []
  let unidentified = 0
  for (const row of rows) {
    const parsed = DepositRecord.safeParse(row)
    if (parsed.success) {
      deposits.push({ kind: "record", record: parsed.data })
      continue
    }
    const raw = row !== null && typeof row === "object" && !Array.isArray(row) ? (row as Record<string, unknown>) : null
    const id = raw ? zId.safeParse(raw.id) : null
    if (!raw || !id?.success) {
      unidentified++
      continue
    }
    deposits.push({ kind: "unreadable", waas_deposit_id: String(id.data), raw, problems: formatIssues(parsed.error, 5) })
  }
  deposits.sort((a, b) => Number(waasIdOf(a)) - Number(waasIdOf(b)))
  return { deposits, unidentified }
}

export function waasIdOf(p: PulledDeposit): string {
  return p.kind === "record" ? String(p.record.id) : p.waas_deposit_id
}

/** A pulled WaaS record as ledger facts: canonical amount, dates (list records carry epoch ms). */
export function factsOfRecord(record: DepositRecord, utcOffsetMinutes: number): DepositFactsRow {
  return {
    waas_deposit_id: String(record.id),
    symbol: record.symbol,
    address_to: record.address_to,
    amount: formatDecimal(parseDecimal(record.amount)),
    txid: record.txid,
    confirmations: record.confirmations,
    waas_status: record.status,
    waas_created_at: waasTimeToDate(record.created_at, utcOffsetMinutes),
    waas_updated_at: waasTimeToDate(record.updated_at, utcOffsetMinutes),
  }
}

/**
 * What can be read of an unreadable record, for the parked row: fields as the WaaS sent them (text, bounded),
 * -1 for a status that cannot be read, `now` for times that cannot be read. Never used for money: a parked
 * deposit is applied only once a later read of it validates.
 */
export function factsOfUnreadable(
  u: Extract<PulledDeposit, { kind: "unreadable" }>,
  utcOffsetMinutes: number,
  now: Date,
): DepositFactsRow {
  const text = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v)).slice(0, 200)
  const int = (v: unknown, fallback: number) => {
    const r = zInt.safeParse(v)
    return r.success ? r.data : fallback
  }
  const time = (v: unknown) => {
    const r = zWaasTime.safeParse(v)
    return r.success ? waasTimeToDate(r.data, utcOffsetMinutes) : now
  }
  return {
    waas_deposit_id: u.waas_deposit_id,
    symbol: text(u.raw.symbol),
    address_to: text(u.raw.address_to),
    amount: text(u.raw.amount),
    txid: text(u.raw.txid),
    confirmations: int(u.raw.confirmations, 0),
    waas_status: int(u.raw.status, -1),
    waas_created_at: time(u.raw.created_at),
    waas_updated_at: time(u.raw.updated_at),
  }
}
