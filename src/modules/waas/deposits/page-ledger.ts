import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { CryptoPaymentStatus } from "../checkout/payment-states"
import type { ApplyOptions, DepositApplication, DepositSource } from "./application"
import { applyDepositFacts } from "./apply-deposit"
import type { DepositLedgerStatus } from "./deposit-states"
import { LedgerRaceError, type DepositFactsRow, type DepositRow, type PaymentRow } from "./ledger-sql"
import type { LedgerOps } from "./ledger-ops"
import {
  findPageHolders,
  insertPageDeposits,
  insertPageEntries,
  lockPageDeposits,
  lockPagePayments,
  readEntries,
  readLinkedDeposits,
  writePageDeposits,
  writePagePayments,
  type EntryRow,
  type LinkedDeposit,
  type NewEntry,
} from "./page-ledger-sql"
import { newEntityId } from "../entity-id"

/** The page cannot be applied set-based as it is (an operation outside what was read): apply it a deposit at a time. */
export class PageFallback extends Error {
  constructor(message: string) {
    super(message)
    this.name = "PageFallback"
  }
}

const counts = (d: LinkedDeposit) => d.status === "held" || ((d.status === "pending" || d.status === "compliance_review") && (d.timing === "on_time" || d.timing === "late"))

/**
 * A page of deposits applied set-based (issue 11, item 2), in the caller's ONE transaction: the page's rows are read
 * under their locks in a handful of statements (page-ledger-sql.ts: insert the first sightings, lock the deposit rows
 * in id order, find every address holder, read the entries, lock the payments in id order, read what counts on them);
 * then the SAME rules as a single application (applyDepositFacts, reverse-credit, resettle: the code, not a copy) run
 * on those rows in memory, deposit after deposit in WaaS id order, so each sees what the ones before it did; then the
 * outcome is written back in three statements (deposit rows, ledger entries, payments), each guarded by the status
 * the row was locked in and by the unique entry index, and any mismatch rolls the whole page back. Whatever the rules
 * throw (a record they cannot apply) or an operation this did not read ahead rolls the page back too: the caller
 * then applies it a deposit at a time, as before, which parks what must be parked.
 */
export async function applyPageSetBased(
  trx: Knex.Transaction,
  facts: readonly DepositFactsRow[],
  source: DepositSource,
  o: ApplyOptions,
): Promise<DepositApplication[]> {
  const ordered = [...facts].sort((a, b) => compareIds(a.waas_deposit_id, b.waas_deposit_id))
  const waasIds = ordered.map((f) => f.waas_deposit_id)
  if (new Set(waasIds).size !== waasIds.length) throw new PageFallback("a WaaS deposit id twice in one page")

  const inserted = await insertPageDeposits(trx, ordered, source, o.now)
  const rows = new Map((await lockPageDeposits(trx, waasIds)).map((r) => [r.waas_deposit_id, r]))
  const holderIds = await findPageHolders(trx, ordered.map((f) => ({ address: f.address_to, at: f.waas_created_at })), o.graceSeconds)
  const holders = new Map(ordered.map((f, i) => [holderKey(f.address_to, f.waas_created_at, o.graceSeconds), holderIds[i]]))
  const pageEntries = await readEntries(trx, { waasIds, paymentIds: [] })
  const paymentIds = [
    ...new Set([...holderIds, ...pageEntries.map((e) => e.crypto_payment_id), ...[...rows.values()].map((r) => r.crypto_payment_id)]),
  ].filter((id): id is string => id !== null)
  const payments = new Map((await lockPagePayments(trx, paymentIds)).map((p) => [p.id, p]))
  const entries = dedupe([...pageEntries, ...(await readEntries(trx, { waasIds: [], paymentIds }))])
  const linked = new Map((await readLinkedDeposits(trx, paymentIds)).map((d) => [d.id, d]))
  for (const r of rows.values()) linked.set(r.id, r)

  const lockedDeposits = new Map([...rows.values()].map((r) => [r.id, r.status]))
  const lockedPayments = new Map([...payments.values()].map((p) => [p.id, p.status]))
  const touchedDeposits = new Map<string, DepositSource>()
  const settlements = new Map<string, { status: CryptoPaymentStatus; received: string; pending: string; excess: string }>()
  const newEntries: NewEntry[] = []
  const known = new Set(paymentIds)
  const consumed = new Set<string>()
  const payment = (id: string): PaymentRow | null => {
    if (!known.has(id)) throw new PageFallback(`payment ${id} was not read ahead`)
    const p = payments.get(id)
    return p ? { ...p } : null
  }
  const hasEntry = (waasId: string, entry: "credit" | "reversal") => entries.some((e) => e.waas_deposit_id === waasId && e.entry === entry)
  const addEntry = (e: NewEntry) => {
    newEntries.push(e)
    entries.push({ id: e.id, waas_deposit_id: e.waas_deposit_id, entry: e.entry, crypto_payment_id: e.crypto_payment_id, amount: e.amount, symbol: e.symbol })
  }

  const ops: LedgerOps = {
    insertDepositIfNew: async (f) => {
      if (consumed.has(f.waas_deposit_id)) throw new PageFallback(`deposit ${f.waas_deposit_id} inserted twice`)
      consumed.add(f.waas_deposit_id)
      return inserted.has(f.waas_deposit_id)
    },
    lockDepositByWaasId: async (id) => {
      const r = rows.get(id)
      if (!r) throw new PageFallback(`deposit ${id} was not read ahead`)
      return { ...r }
    },
    refreshDepositFacts: async (a) => {
      const r = [...rows.values()].find((x) => x.id === a.id)
      if (!r) throw new PageFallback(`deposit ${a.id} was not read ahead`)
      Object.assign(r, { confirmations: a.facts.confirmations, waas_status: a.facts.waas_status, waas_updated_at: a.facts.waas_updated_at })
      touchedDeposits.set(r.id, a.source as DepositSource)
    },
    updateDepositRow: async (a) => {
      const r = [...rows.values()].find((x) => x.id === a.id)
      if (!r) throw new PageFallback(`deposit ${a.id} was not read ahead`)
      if (r.status !== a.from) throw new LedgerRaceError(`deposit ${a.id} changed under its row lock (expected status ${a.from})`)
      const { waas_deposit_id: _w, waas_created_at: _c, ...facts } = a.facts
      Object.assign(r, facts, {
        status: a.to,
        crypto_payment_id: a.crypto_payment_id,
        timing: a.timing,
        orphan_reason: a.orphan_reason,
        review_reason: a.review_reason ?? null,
      })
      touchedDeposits.set(r.id, a.source as DepositSource)
    },
    findAddressHolder: async (address, at, grace) => {
      const key = holderKey(address, at, grace)
      if (!holders.has(key)) throw new PageFallback(`the holder of ${address} was not read ahead`)
      return holders.get(key) ?? null
    },
    lockPayment: async (id) => payment(id),
    insertCredit: async (a) => {
      if (hasEntry(a.waas_deposit_id, "credit")) return false
      addEntry({ id: newEntityId("wdcr"), ...a, entry: "credit", reverses_id: null, credited_by: a.credited_by })
      return true
    },
    readPaymentLedger: async (id) => {
      if (!known.has(id)) throw new PageFallback(`payment ${id} was not read ahead`)
      const mine = entries.filter((e) => e.crypto_payment_id === id)
      const counted = [...linked.values()].filter((d) => d.crypto_payment_id === id && counts(d))
      return {
        credits: mine.filter((e) => e.entry === "credit").map((e) => e.amount),
        reversals: mine.filter((e) => e.entry === "reversal").map((e) => e.amount),
        held: counted.filter((d) => d.status === "held").length,
        pending: counted.filter((d) => d.status !== "held").map((d) => d.amount),
      }
    },
    updatePaymentSettlement: async (a) => {
      const p = payments.get(a.id)
      if (!p || p.status !== a.from) throw new LedgerRaceError(`crypto payment ${a.id} changed under its row lock (expected status ${a.from})`)
      p.status = a.to
      settlements.set(a.id, { status: a.to, received: a.amount_received, pending: a.amount_pending, excess: a.amount_excess })
    },
    readCreditEntry: async (waasId) => {
      const e = entries.find((x) => x.waas_deposit_id === waasId && x.entry === "credit")
      return e ? { id: e.id, crypto_payment_id: e.crypto_payment_id, amount: e.amount, symbol: e.symbol } : null
    },
    insertReversal: async (a) => {
      if (hasEntry(a.waas_deposit_id, "reversal")) return false
      addEntry({
        id: newEntityId("wdcr"),
        waas_deposit_id: a.waas_deposit_id,
        deposit_id: a.deposit_id,
        crypto_payment_id: a.credit.crypto_payment_id,
        entry: "reversal",
        reverses_id: a.credit.id,
        symbol: a.credit.symbol,
        amount: a.credit.amount,
        late: false,
        source: a.source,
        credited_by: null,
      })
      return true
    },
  }

  const applications: DepositApplication[] = []
  for (const f of ordered) applications.push(await applyDepositFacts(ops, f, source, o))

  const depositWrites = [...touchedDeposits].map(([id, s]) => {
    const row = [...rows.values()].find((r) => r.id === id) as DepositRow
    return { row, locked: lockedDeposits.get(id) as DepositLedgerStatus, source: s }
  })
  if ((await writePageDeposits(trx, depositWrites, o.now)) !== depositWrites.length) {
    throw new LedgerRaceError("a deposit of the page changed under its row lock")
  }
  if ((await insertPageEntries(trx, newEntries, o.now)) !== newEntries.length) {
    throw new LedgerRaceError("a ledger entry of the page was written by someone else meanwhile")
  }
  const paymentWrites = [...settlements].map(([id, s]) => ({ id, locked: lockedPayments.get(id) as CryptoPaymentStatus, ...s }))
  if ((await writePagePayments(trx, paymentWrites, o.now)) !== paymentWrites.length) {
    throw new LedgerRaceError("a payment of the page changed under its row lock")
  }
  return applications
}

function holderKey(address: string, at: Date, grace: number): string {
  return `${address}|${at.toISOString()}|${grace}`
}

function dedupe(entries: EntryRow[]): EntryRow[] {
  return [...new Map(entries.map((e) => [e.id, e])).values()]
}

function compareIds(a: string, b: string): number {
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return a < b ? -1 : a > b ? 1 : 0
  const x = BigInt(a)
  const y = BigInt(b)
  return x < y ? -1 : x > y ? 1 : 0
}
