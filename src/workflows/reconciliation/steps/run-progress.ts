import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { Reconciliation } from "../../../modules/waas/reconciliation/reconciliation"
import type { Progress, RunRow } from "../../../modules/waas/reconciliation/runs-sql"

export async function loadRun(recon: Reconciliation, id: string): Promise<RunRow> {
  const run = await recon.getRun(id)
  if (!run) throw new Error(`medusa-plugin-waas: no reconciliation run ${id}`)
  if (run.status !== "running") throw new Error(`medusa-plugin-waas: reconciliation run ${id} is ${run.status}, not running`)
  return run
}

/** Saves a run's progress (the admin's progress bar) and logs it, at most every few seconds per run. */
const lastLogged = new Map<string, number>()
export async function reportProgress(container: MedusaContainer, recon: Reconciliation, run: RunRow, p: Progress, force = false): Promise<void> {
  await recon.saveProgress(run, p)
  const now = Date.now()
  if (!force && now - (lastLogged.get(run.id) ?? 0) < 5_000) return
  lastLogged.set(run.id, now)
  if (p.phase === "done") lastLogged.delete(run.id)
  container
    .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
    .info(
      `medusa-plugin-waas: reconciliation of ${run.day} (attempt ${run.attempt}): ${p.phase}, ${p.pages_fetched} page(s) and ` +
        `${p.records_fetched} record(s) fetched, ${p.records_refreshed} refreshed, ${p.records_compared}/${p.records_to_compare} compared (${p.percent} %)`,
    )
}
