import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { PAGE_SIZE } from "../../../protocol"
import { waasIdOf, type PulledDeposit } from "../../../modules/waas/deposits/pulled-deposit"
import type WaasModuleService from "../../../modules/waas/service"
import { processDepositPage } from "./deposit-page"

/** What a run over syncDepositList pages did; the poller's report and the backfill's share it. */
export interface SyncCounts {
  pages: number
  /** records read and dealt with: applied, skipped, parked, or the one that failed */
  records: number
  /** records the ledger already held with the same facts: passed over without applying them again */
  skipped: number
  parked: number
  failed: number
  unidentified: number
}

export interface SyncPagesInput {
  from: string
  maxPages: number
  /** the backfill's bound: records above this id are the poller's, and the run ends at the first of them */
  until?: string | null
  /** after each page: the poller moves its cursor from `from` to the last record applied (or passed over) */
  onApplied?: (from: string, to: string) => Promise<void>
  signal?: AbortSignal
}

export interface SyncPagesEnd {
  /** the last id applied or passed over (the cursor's new place); `from` when none */
  to: string
  /** the WaaS has nothing more after `to` (or, for the backfill, `until` was reached) */
  caught_up: boolean
}

/**
 * syncDepositList pages from `from`, through the same deposit path as a callback: a page's records the ledger
 * already holds unchanged are passed over (one query for the page, unchanged-sql.ts), the others applied as a page
 * in id order (deposit-page.ts), captures after the page's ledger. The run moves past every record applied, passed over or parked for review, and stops before the first one
 * that failed for a transient reason (read again next run). Each page is shared with the reconciliation's mirror.
 */
export async function applySyncPages(
  container: MedusaContainer,
  waas: WaasModuleService,
  logger: Logger,
  input: SyncPagesInput,
  counts: SyncCounts,
): Promise<SyncPagesEnd> {
  let cursor = input.from
  const until = input.until ? BigInt(input.until) : null
  if (until !== null && BigInt(cursor) >= until) return { to: cursor, caught_up: true }
  for (let page = 0; page < input.maxPages; page++) {
    if (input.signal?.aborted) break
    const { deposits, unidentified } = await waas.syncDepositsAfter(cursor)
    counts.pages++
    await shareWithMirror(waas, logger, cursor, deposits)
    if (unidentified > 0) {
      counts.unidentified += unidentified
      logger.error(
        `medusa-plugin-waas: syncDepositList after ${cursor} returned ${unidentified} record(s) without a readable id; ` +
          `they cannot be parked or applied and are passed over: check the WaaS`,
      )
    }
    if (deposits.length === 0) return { to: cursor, caught_up: unidentified === 0 }
    const mine = until === null ? deposits : deposits.filter((d) => BigInt(waasIdOf(d)) <= until)
    const unchanged = await waas.listAppliedUnchangedDeposits(mine)
    const page = await processDepositPage(
      container,
      mine.filter((d) => !unchanged.has(waasIdOf(d))),
      "poll",
      { stopAtFailure: true },
    )
    const results = new Map(page.map((r) => [r.waas_deposit_id, r]))
    let applied: string | null = null
    let stopped = false
    for (const pulled of mine) {
      const id = waasIdOf(pulled)
      counts.records++
      if (unchanged.has(id)) {
        counts.skipped++
        applied = id
        continue
      }
      const r = results.get(id)
      if (!r?.applied) {
        counts.failed++
        stopped = true
        logger.warn(`medusa-plugin-waas: deposit ${id} from syncDepositList not applied (${r?.error}); the sync goes on from it next run`)
        break
      }
      if (r.parked) counts.parked++
      applied = id
    }
    if (applied !== null) {
      await input.onApplied?.(cursor, applied)
      cursor = applied
    }
    if (stopped) return { to: cursor, caught_up: false }
    if (mine.length < deposits.length) return { to: cursor, caught_up: true }
    if (deposits.length + unidentified < PAGE_SIZE) return { to: cursor, caught_up: true }
  }
  return { to: cursor, caught_up: false }
}

/**
 * The reconciliation's mirror reads the same syncDepositList pages (issue 10): a page read here is stored there
 * too, so at the day's end only the compare is left. Never in the way: a failure is only logged.
 */
async function shareWithMirror(waas: WaasModuleService, logger: Logger, cursor: string, deposits: PulledDeposit[]): Promise<void> {
  const records = deposits.flatMap((d) => (d.kind === "record" ? [d.record] : []))
  const mirror = waas.reconciliation().mirror
  try {
    const page = mirror.parse("deposit", records)
    const ids = deposits.map((d) => BigInt(waasIdOf(d)))
    const maxId = ids.length ? String(ids.reduce((a, b) => (a > b ? a : b))) : null
    await mirror.ingestPage("deposit", cursor, { ...page, unreadable: deposits.length - records.length, maxId })
  } catch (e) {
    logger.warn(`medusa-plugin-waas: the deposit page after ${cursor} was not stored in the reconciliation mirror (${e instanceof Error ? e.message : String(e)}); the reconciliation reads it itself`)
  }
}
