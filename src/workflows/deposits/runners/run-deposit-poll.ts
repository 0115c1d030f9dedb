import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { PAGE_SIZE, type DepositRecord } from "../../../protocol"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import { captureSettledCryptoPaymentWorkflow } from "../workflows/capture-settled-payment"
import { processWaasDepositWorkflow } from "../workflows/process-deposit"
import { processRecordedCallback } from "./run-callback-processing"
import { workflowFailureText } from "./workflow-failure"

export interface DepositPollReport {
  /** why nothing ran (another instance holds the poll lock, the interval has not elapsed, or shutdown began) */
  skipped?: string
  inbox: { processed: number; failed: number }
  sync: { pages: number; records: number; failed: number; cursor_from: string; cursor_to: string; caught_up: boolean }
  recheck: { checked: number; failed: number }
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
 *   1. callbacks recorded but not processed (the subscriber failed or the process died after SUCCESS);
 *   2. syncDepositList from the stored cursor, through the SAME deposit path; the cursor moves past a page
 *      only once every record of it was applied, so a failure re-reads the page next run;
 *   3. deposits the WaaS had not finished (sync returns a record once): re-read with depositList;
 *   4. payments settled here that Medusa has not captured yet (its capture failed earlier).
 */
export async function runDepositPoll(container: MedusaContainer, opts: DepositPollOptions = {}): Promise<DepositPollReport> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const report: DepositPollReport = {
    inbox: { processed: 0, failed: 0 },
    sync: { pages: 0, records: 0, failed: 0, cursor_from: "", cursor_to: "", caught_up: false },
    recheck: { checked: 0, failed: 0 },
    medusa: { redriven: 0, failed: 0 },
    errors: [],
  }
  if (waas.isShuttingDown()) return { ...report, skipped: SHUTTING_DOWN }
  const locked = await waas.withDepositPollLock(async (signal) => {
    if (!opts.force && !(await waas.isDepositPollDue())) {
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
      await waas.markDepositPollRun()
    }
  })
  if (!locked) report.skipped = waas.isShuttingDown() ? SHUTTING_DOWN : "another instance is polling"
  return report
}

async function applyPulled(container: MedusaContainer, record: DepositRecord): Promise<string | null> {
  const { errors } = await processWaasDepositWorkflow(container).run({
    input: { waas_deposit_id: String(record.id), record, source: "poll" },
    throwOnError: false,
  })
  if (errors.length === 0) return null
  return workflowFailureText(errors)
}

const SHUTTING_DOWN = "the application is shutting down"

/** after this many failures in a row (the WaaS down, most likely) the rest waits for the next run */
const MAX_CONSECUTIVE_FAILURES = 3

/** Every pending deposit callback, each at most once per run, up to depositPollMaxPages × 100 of them. */
async function drainInbox(container: MedusaContainer, waas: WaasModuleService, report: DepositPollReport): Promise<void> {
  const budget = waas.getDepositOptions().pollMaxPages * PAGE_SIZE
  const tried = new Set<string>()
  let streak = 0
  while (tried.size < budget) {
    const batch = (await waas.listPendingCallbacks("deposit", PAGE_SIZE + tried.size)).filter((id) => !tried.has(id))
    if (batch.length === 0) return
    for (const id of batch.slice(0, budget - tried.size)) {
      tried.add(id)
      const r = await processRecordedCallback(container, id, { retry: false })
      if (r.error) {
        report.inbox.failed++
        if (++streak >= MAX_CONSECUTIVE_FAILURES) return
      } else {
        streak = 0
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
  let cursor = await waas.getDepositCursor()
  report.sync.cursor_from = cursor
  report.sync.cursor_to = cursor
  for (let page = 0; page < waas.getDepositOptions().pollMaxPages; page++) {
    const records = (await waas.syncDepositsAfter(cursor)).sort((a, b) => a.id - b.id)
    report.sync.pages++
    if (records.length === 0) {
      report.sync.caught_up = true
      break
    }
    let failed = 0
    for (const record of records) {
      const error = await applyPulled(container, record)
      report.sync.records++
      if (error) {
        failed++
        logger.warn(`medusa-plugin-waas: deposit ${record.id} from syncDepositList not applied (${error}); the page is read again next run`)
      }
    }
    if (failed > 0) {
      report.sync.failed += failed
      break
    }
    const next = String(records[records.length - 1].id)
    await waas.advanceDepositCursor(cursor, next)
    cursor = next
    report.sync.cursor_to = cursor
    if (records.length < PAGE_SIZE) {
      report.sync.caught_up = true
      break
    }
  }
}

async function recheckUnfinished(container: MedusaContainer, waas: WaasModuleService, report: DepositPollReport): Promise<void> {
  const ids = await waas.listDepositIdsAwaitingWaas(500)
  if (ids.length === 0) return
  for (const record of await waas.pullDeposits(ids)) {
    report.recheck.checked++
    if (await applyPulled(container, record)) report.recheck.failed++
  }
}

async function redriveMedusa(container: MedusaContainer, waas: WaasModuleService, report: DepositPollReport): Promise<void> {
  for (const id of await waas.listSettledPaymentsNotCaptured(50)) {
    const { errors } = await captureSettledCryptoPaymentWorkflow(container).run({
      input: { crypto_payment_id: id },
      throwOnError: false,
    })
    if (errors.length > 0) report.medusa.failed++
    else report.medusa.redriven++
  }
}
