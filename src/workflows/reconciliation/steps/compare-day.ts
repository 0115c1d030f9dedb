import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import { loadRun, reportProgress } from "./run-progress"

/**
 * The compare, in SQL (reconciliation/pass-sql.ts): one statement per kind of record, a join over the day's rows
 * that writes the breaks in the database and returns the day's figures (the totals the run finishes with). Nothing to compensate: a failed run's breaks stay with the failed run, and
 * the day's next run writes its own.
 */
export const compareDayStep = createStep("waas-reconciliation-compare", async (input: { run_id: string }, { container }) => {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const recon = waas.reconciliation()
  const run = await loadRun(recon, input.run_id)
  const progress = run.progress
  progress.phase = "comparing"
  progress.records_to_compare = await recon.countDay(run)
  await reportProgress(container, recon, run, progress, true)
  const { breaks, totals, fees } = await recon.compare(run)
  progress.records_compared = progress.records_to_compare
  progress.percent = 90
  await reportProgress(container, recon, run, progress, true)
  return new StepResponse({ breaks, totals, fees })
})
