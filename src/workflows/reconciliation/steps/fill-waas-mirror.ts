import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import { MIRROR_KINDS } from "../../../modules/waas/reconciliation/recon-states"
import type WaasModuleService from "../../../modules/waas/service"
import { loadRun, reportProgress } from "./run-progress"

const FETCH_PERCENT = 40

export interface FillReport {
  pages: number
  records: number
  refreshed: number
  gaps_filled: number
  unreadable: number
}

/**
 * The WaaS side of the day: every sync endpoint paged forward from the mirror's cursor (what the pollers have not
 * already stored), then every record the WaaS may still move refreshed by id, then the records our ledger names
 * that the mirror lacks asked for by id. Any WaaS failure fails the step, and the run with it (never balanced).
 * Nothing to compensate: the mirror only ever holds what the WaaS said.
 */
export const fillWaasMirrorStep = createStep("waas-reconciliation-fill-mirror", async (input: { run_id: string }, { container }) => {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const recon = waas.reconciliation()
  const run = await loadRun(recon, input.run_id)
  const progress = run.progress
  const report: FillReport = { pages: 0, records: 0, refreshed: 0, gaps_filled: 0, unreadable: 0 }
  for (const [i, kind] of MIRROR_KINDS.entries()) {
    const base = { pages: progress.pages_fetched, records: progress.records_fetched }
    const c = await recon.mirror.syncForward(kind, async (counts) => {
      progress.pages_fetched = base.pages + counts.pages
      progress.records_fetched = base.records + counts.records
      await reportProgress(container, recon, run, progress)
    })
    report.pages += c.pages
    report.records += c.records
    report.unreadable += c.unreadable
    // the fetch is 0-40 % of the bar: a share per record kind paged (how many pages a kind has is unknown ahead)
    progress.percent = Math.round((FETCH_PERCENT * (i + 1)) / MIRROR_KINDS.length)
    if (i + 1 < MIRROR_KINDS.length) await reportProgress(container, recon, run, progress)
  }
  progress.phase = "refreshing"
  progress.percent = FETCH_PERCENT
  await reportProgress(container, recon, run, progress)
  for (const kind of MIRROR_KINDS) {
    const base = progress.records_refreshed
    report.refreshed += await recon.mirror.refreshNotFinal(kind, async (n) => {
      progress.records_refreshed = base + n
      await reportProgress(container, recon, run, progress)
    })
  }
  report.gaps_filled = await recon.mirror.fillLedgerGaps({ s: run.window_start, e: run.window_end })
  progress.records_refreshed += report.gaps_filled
  progress.percent = 50
  await reportProgress(container, recon, run, progress)
  return new StepResponse(report)
})
