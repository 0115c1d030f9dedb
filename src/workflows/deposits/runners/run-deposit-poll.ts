import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { PAGE_SIZE } from "../../../protocol"
import { WAAS_MODULE } from "../../../modules/waas"
import { waasIdOf, type PulledDeposit } from "../../../modules/waas/deposits/pulled-deposit"
import type WaasModuleService from "../../../modules/waas/service"
import { captureSettledPayment } from "../actions/capture-settled"
import { mapBounded } from "./bounded"
import { processDepositPage } from "./deposit-page"
import { processRecordedCallback, processRecordedCallbacks } from "./run-callback-processing"
import { applySyncPages, type SyncCounts } from "./sync-pages"

export interface DepositPollReport {
  /** why nothing ran (another instance holds the poll lock, the interval has not elapsed, or shutdown began) */
  skipped?: string
  /** failed: callbacks whose processing failed this run (each rescheduled with backoff); the sweep goes on past them */
  inbox: { processed: number; failed: number }
  /**
   * parked: records that could not be applied, now needs_review (the cursor moves past them); failed: records
   * that failed for a transient reason (the cursor stays before them); unidentified: rows without a readable id
   */
  sync: SyncCounts & {
    cursor_from: string
    cursor_to: string
    caught_up: boolean
  }
  recheck: { checked: number; parked: number; failed: number }
  medusa: { redriven: number; failed: number }
  /** phases that could not run (the WaaS unreachable, say); the others still ran */
  errors: string[]
}

export interface DepositPollOptions {
  /** run even if depositPollIntervalSeconds has not elapsed since the last run (tests, admin, the demo) */
  force?: boolean
}

/**
 * The polling fallback (protocol §3.3: after five failed sends the WaaS never calls again, so only
 * polling recovers a lost callback). One run, under a Postgres advisory lock so several instances never
 * poll at once (correctness does not depend on it: every application is idempotent):
 *   1. callbacks recorded but not processed (the subscriber failed or the process died after SUCCESS), each
 *      when its retry is due; one that fails again is rescheduled and the sweep goes on past it;
 *   2. syncDepositList from the stored cursor, through the SAME deposit path (sync-pages.ts), passing over the
 *      records the ledger already holds unchanged (one query a page); the cursor moves past each record
 *      once it is applied, or parked for review when it cannot be applied (an undocumented status, a malformed
 *      field), and stops before the first one that failed for a transient reason (the WaaS or the database
 *      out of reach), which is read again next run;
 *   3. deposits the WaaS had not finished (sync returns a record once) and deposits waiting for an admin
 *      (held, orphaned, parked): re-read with depositList;
 *   4. payments settled here that Medusa has not captured yet (its capture failed earlier).
 */
export async function runDepositPoll(container: MedusaContainer, opts: DepositPollOptions = {}): Promise<DepositPollReport> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const report: DepositPollReport = {
    inbox: { processed: 0, failed: 0 },
    sync: { pages: 0, records: 0, skipped: 0, parked: 0, failed: 0, unidentified: 0, cursor_from: "", cursor_to: "", caught_up: false },
    recheck: { checked: 0, parked: 0, failed: 0 },
    medusa: { redriven: 0, failed: 0 },
    errors: [],
  }
  if (waas.isShuttingDown()) return { ...report, skipped: SHUTTING_DOWN }
  const locked = await waas.depositPoll().withLock(async (signal) => {
    if (!opts.force && !(await waas.depositPoll().isDue())) {
      report.skipped = "the poll interval has not elapsed"
      return
    }
    // each phase on its own: the WaaS being down must not keep Medusa's re-drive from running
    const phases: Array<[string, () => Promise<void>]> = [
      ["inbox", () => drainInbox(container, waas, report)],
      ["sync", () => syncFromCursor(container, waas, logger, report)],
      ["recheck", () => recheckUnfinished(container, waas, report)],
      ["medusa", () => redriveMedusa(container, waas, report)],
    ]
    try {
      for (const [name, phase] of phases) {
        // shutdown: what is left waits for the next run (on this or another instance)
        if (signal.aborted) break
        try {
          await phase()
        } catch (e) {
          report.errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`)
        }
      }
    } finally {
      await waas.depositPoll().markRun()
    }
  })
  if (!locked) report.skipped = waas.isShuttingDown() ? SHUTTING_DOWN : "another instance is polling"
  return report
}

const SHUTTING_DOWN = "the application is shutting down"

/**
 * After this many callbacks in a row failed because the WaaS could not be reached, the rest wait for the next
 * run: they would fail the same way, and they are not charged a failure for it. Failures of any other kind
 * never stop the sweep: each failing callback is rescheduled with backoff and the sweep goes on past it.
 */
const MAX_UNREACHABLE_IN_A_ROW = 3

/**
 * Every deposit callback due for processing, each at most once per run, up to depositPollMaxPages × 100 of them: a
 * page at a time (one claim, one depositList, one completion: callback-page.ts). A row that failed before, and a row
 * whose page failed, runs on its own as before, so one bad row never fails a page and its failure is its own.
 */
async function drainInbox(container: MedusaContainer, waas: WaasModuleService, report: DepositPollReport): Promise<void> {
  const budget = waas.getDepositOptions().pollMaxPages * PAGE_SIZE
  const tried = new Set<string>()
  let unreachable = 0
  while (tried.size < budget) {
    const pending = await waas.listPendingCallbackRows("deposit", PAGE_SIZE + tried.size)
    const batch = pending.filter((r) => !tried.has(r.id)).slice(0, Math.min(PAGE_SIZE, budget - tried.size))
    if (batch.length === 0) return
    for (const r of batch) tried.add(r.id)
    const alone = batch.filter((r) => r.failures > 0).map((r) => r.id)
    const fresh = batch.filter((r) => r.failures === 0).map((r) => r.id)
    for (const r of fresh.length ? await processRecordedCallbacks(container, fresh, { giveBack: true }) : []) {
      if (r.error) alone.push(r.inbox_id)
      else if (r.claimed) report.inbox.processed++
    }
    for (const id of alone) {
      const r = await processRecordedCallback(container, id, { retry: false })
      if (r.error) {
        report.inbox.failed++
        if (r.waas_unreachable && ++unreachable >= MAX_UNREACHABLE_IN_A_ROW) return
        if (!r.waas_unreachable) unreachable = 0
      } else {
        unreachable = 0
        if (r.claimed) report.inbox.processed++
      }
    }
  }
}

async function syncFromCursor(
  container: MedusaContainer,
  waas: WaasModuleService,
  logger: Logger,
  report: DepositPollReport,
): Promise<void> {
  const cursor = await waas.depositPoll().cursor()
  report.sync.cursor_from = cursor
  report.sync.cursor_to = cursor
  const end = await applySyncPages(
    container,
    waas,
    logger,
    {
      from: cursor,
      maxPages: waas.getDepositOptions().pollMaxPages,
      // the cursor moves past every record applied, passed over or parked, and stops before the first that failed
      onApplied: async (from, to) => {
        await waas.depositPoll().advance(from, to)
        report.sync.cursor_to = to
      },
    },
    report.sync,
  )
  report.sync.caught_up = end.caught_up
}

async function recheckUnfinished(container: MedusaContainer, waas: WaasModuleService, report: DepositPollReport): Promise<void> {
  const rows = await waas.listDepositsToReread(500)
  if (rows.length === 0) return
  const stored = new Map(rows.map((r) => [r.waas_deposit_id, r]))
  const pulledAll = await waas.pullDeposits(rows.map((r) => r.waas_deposit_id))
  const answered = new Set(pulledAll.map(waasIdOf))
  // ids the WaaS did not answer for are not re-read again and again ahead of the others
  const unchanged: string[] = rows.map((r) => r.waas_deposit_id).filter((id) => !answered.has(id))
  const todo: PulledDeposit[] = []
  for (const pulled of pulledAll) {
    report.recheck.checked++
    // a decision waiting for an admin on money the WaaS still confirms: nothing to apply, only to come round again
    const row = stored.get(waasIdOf(pulled))
    if (pulled.kind === "record" && pulled.record.status === 1 && (row?.status === "held" || row?.status === "orphaned")) {
      unchanged.push(waasIdOf(pulled))
      continue
    }
    todo.push(pulled)
  }
  for (const r of await processDepositPage(container, todo, "poll", { stopAtFailure: false })) {
    if (!r.applied) report.recheck.failed++
    else if (r.parked) report.recheck.parked++
  }
  await waas.markDepositsReread(unchanged)
}

/** Medusa's capture of payments settled here but not captured there, depositCaptureConcurrency at a time. */
async function redriveMedusa(container: MedusaContainer, waas: WaasModuleService, report: DepositPollReport): Promise<void> {
  const ids = await waas.listSettledPaymentsNotCaptured(50)
  await mapBounded(ids, waas.getOptions().depositCaptureConcurrency, async (id) => {
    try {
      await captureSettledPayment(container, id)
      report.medusa.redriven++
    } catch {
      report.medusa.failed++
    }
  })
}
