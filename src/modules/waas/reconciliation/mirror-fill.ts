import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { DepositRecord, MinerFeeRecord, PAGE_SIZE, WithdrawRecord } from "../../../protocol"
import type { ModuleDeps } from "../module-context"
import { depositRow, minerFeeRow, MirrorRow, withdrawalRow } from "./mirror-rows"
import { advanceMirrorCursor, ensureMirrorCursor, listNotFinal, readMirrorCursor, upsertMirrorRows } from "./mirror-sql"
import type { MirrorKind } from "./recon-states"

const SYNC = { deposit: "syncDepositList", withdrawal: "syncWithdrawList", miner_fee: "syncMinerFeeList" } as const
const LIST = { deposit: "depositList", withdrawal: "withdrawList", miner_fee: "minerFeeList" } as const

export interface FillCounts {
  pages: number
  records: number
  unreadable: number
}

export interface ParsedPage {
  rows: MirrorRow[]
  unreadable: number
  /** the largest WaaS id on the page, readable or not (where the cursor goes) */
  maxId: string | null
}

/**
 * The WaaS mirror (waas_mirror_record): filled by paging the sync endpoints from the mirror's cursors (and by the
 * pollers' pages, which read the same data: `ingestPage`), refreshed by id where the WaaS may still move a record,
 * and completed with the records our ledger names that the mirror lacks. Each record is validated on its own; one
 * that does not read is counted, never stored with made-up values.
 */
export class WaasMirror {
  constructor(private readonly deps: ModuleDeps) {}

  parse(kind: MirrorKind, raw: readonly unknown[]): ParsedPage {
    const offset = this.deps.options.callbackUtcOffsetMinutes
    const rows: MirrorRow[] = []
    let unreadable = 0
    let maxId: bigint | null = null
    for (const item of raw) {
      const id = item !== null && typeof item === "object" ? (item as { id?: unknown }).id : undefined
      if ((typeof id === "number" && Number.isSafeInteger(id) && id >= 0) || (typeof id === "string" && /^\d{1,16}$/.test(id))) {
        const n = BigInt(id)
        if (maxId === null || n > maxId) maxId = n
      }
      const row = readRow(kind, item, offset)
      if (row) rows.push(row)
      else unreadable++
    }
    return { rows, unreadable, maxId: maxId === null ? null : String(maxId) }
  }

  /**
   * Stores a page read after `after` (by the fill or by a poller) and moves the mirror's cursor when it can: three
   * statements in this order, each atomic on its own, with no transaction around them (two round trips fewer on
   * every poller's page). The cursor moves only once the rows are stored; a failure after the upsert leaves the
   * rows stored and the cursor where it was, so the page is read again, and upserted again without harm.
   */
  async ingestPage(kind: MirrorKind, after: string, page: ParsedPage): Promise<void> {
    await this.deps.db.read(async (db) => {
      await upsertMirrorRows(db, page.rows)
      // a poller's page may come before the reconciliation ever ran: the cursor row is created at 0 then
      await ensureMirrorCursor(db, kind)
      if (page.maxId !== null && BigInt(page.maxId) > BigInt(after)) await advanceMirrorCursor(db, kind, after, page.maxId)
    })
  }

  /** Pages a sync endpoint from the mirror's cursor until a page has fewer than 100 records. */
  async syncForward(kind: MirrorKind, onPage: (c: FillCounts) => Promise<void>, signal?: AbortSignal): Promise<FillCounts> {
    const counts: FillCounts = { pages: 0, records: 0, unreadable: 0 }
    for (;;) {
      if (signal?.aborted) throw new Error("the application is shutting down")
      const cursor = await this.deps.db.read((db) => readMirrorCursor(db, kind))
      const raw = await this.deps.client().syncRows(SYNC[kind], Number(cursor))
      const page = this.parse(kind, raw)
      await this.ingestPage(kind, cursor, page)
      counts.pages++
      counts.records += page.rows.length
      counts.unreadable += page.unreadable
      await onPage(counts)
      if (raw.length < PAGE_SIZE || page.maxId === null) return counts
    }
  }

  /** Re-reads, 100 ids a call, every mirror row the WaaS may still move (sync returns a record only once). */
  async refreshNotFinal(kind: MirrorKind, onBatch: (refreshed: number) => Promise<void>, signal?: AbortSignal): Promise<number> {
    let after: string | null = null
    let refreshed = 0
    for (;;) {
      if (signal?.aborted) throw new Error("the application is shutting down")
      const batch = await this.deps.db.read((db) => listNotFinal(db, kind, PAGE_SIZE, after))
      if (batch.length === 0) return refreshed
      after = batch[batch.length - 1].waas_id
      // withdrawList takes our request_ids; a withdrawal made outside the API ("") cannot be asked for by id
      const ids = kind === "withdrawal" ? batch.map((b) => b.request_id ?? "").filter((x) => x !== "") : batch.map((b) => b.waas_id)
      if (ids.length > 0) {
        const page = this.parse(kind, await this.deps.client().listRowsByIds(LIST[kind], ids))
        await this.deps.db.transaction((trx) => upsertMirrorRows(trx, page.rows))
        refreshed += page.rows.length
        await onBatch(refreshed)
      }
      if (batch.length < PAGE_SIZE) return refreshed
    }
  }

  /**
   * Deposits and withdrawals our ledger has around the window (a day either side) that the mirror lacks, asked
   * for by id: a record the WaaS still knows is mirrored; one it does not is the day's missing_at_waas.
   */
  async fillLedgerGaps(window: { s: Date; e: Date }): Promise<number> {
    const gaps = await this.deps.db.read((db) => ledgerGaps(db, window))
    let filled = 0
    for (const [kind, ids] of [["deposit", gaps.deposits], ["withdrawal", gaps.withdrawals]] as const) {
      if (ids.length === 0) continue
      const page = this.parse(kind, await this.deps.client().listRowsByIds(LIST[kind], ids))
      await this.deps.db.transaction((trx) => upsertMirrorRows(trx, page.rows))
      filled += page.rows.length
    }
    return filled
  }
}

function readRow(kind: MirrorKind, item: unknown, offset: number): MirrorRow | null {
  try {
    if (kind === "deposit") {
      const r = DepositRecord.safeParse(item)
      return r.success ? depositRow(r.data, offset) : null
    }
    if (kind === "withdrawal") {
      const r = WithdrawRecord.safeParse(item)
      return r.success ? withdrawalRow(r.data, offset) : null
    }
    const r = MinerFeeRecord.safeParse(item)
    return r.success ? minerFeeRow(r.data, offset) : null
  } catch {
    // a value the schema lets through but the decimal parser refuses: unreadable like any other
    return null
  }
}

async function ledgerGaps(db: Knex, w: { s: Date; e: Date }): Promise<{ deposits: string[]; withdrawals: string[] }> {
  const binds = { s: new Date(w.s.getTime() - 86_400_000), e: new Date(w.e.getTime() + 86_400_000) }
  const deposits = await db.raw<{ rows: Array<{ id: string }> }>(
    `SELECT d.waas_deposit_id AS id FROM waas_deposit d
      WHERE d.deleted_at IS NULL AND d.waas_created_at >= :s AND d.waas_created_at < :e AND d.waas_deposit_id ~ '^[0-9]{1,16}$'
        AND NOT EXISTS (SELECT 1 FROM waas_mirror_record m WHERE m.kind = 'deposit' AND m.waas_id = d.waas_deposit_id AND m.deleted_at IS NULL)
      LIMIT 10000`,
    binds,
  )
  const withdrawals = await db.raw<{ rows: Array<{ id: string }> }>(
    `SELECT w.request_id AS id FROM waas_withdrawal w
      WHERE w.waas_withdrawal_id IS NOT NULL AND COALESCE(w.submitted_at, w.created_at) >= :s AND COALESCE(w.submitted_at, w.created_at) < :e
        AND NOT EXISTS (SELECT 1 FROM waas_mirror_record m WHERE m.kind = 'withdrawal' AND m.waas_id = w.waas_withdrawal_id AND m.deleted_at IS NULL)
      LIMIT 10000`,
    binds,
  )
  return { deposits: deposits.rows.map((r) => r.id), withdrawals: withdrawals.rows.map((r) => r.id) }
}
