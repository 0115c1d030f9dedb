import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../../modules/waas"
import type WaasModuleService from "../../../../../modules/waas/service"
import { parseOr400 } from "../../validators"
import { runSummary } from "../run-view"
import { addDays, dayIn, daysBetween, ReconRange } from "../validators"

/** `GET /admin/waas/reconciliation/runs?from&to`: the latest run of each day (null when never run), newest first, and totals. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const q = parseOr400(ReconRange, req.query)
  const recon = req.scope.resolve<WaasModuleService>(WAAS_MODULE).reconciliation()
  const zone = recon.options().timeZone
  const to = q.to ?? dayIn(zone, recon.now())
  const from = q.from ?? addDays(to, -30)
  if (daysBetween(from, to) > 366) {
    res.status(400).json({ type: "invalid_data", message: "at most 366 days at a time" })
    return
  }
  const runs = new Map((await recon.latestRuns(from, to)).map((r) => [r.day, r]))
  const days: Array<{ day: string; run: ReturnType<typeof runSummary> | null }> = []
  const totals = { runs: 0, balanced: 0, breaks: 0, failed: 0, running: 0, open_breaks: 0 }
  for (let day = to; day >= from; day = addDays(day, -1)) {
    const run = runs.get(day)
    days.push({ day, run: run ? runSummary(run) : null })
    if (!run) continue
    totals.runs++
    totals[run.status]++
    totals.open_breaks += Number((run.break_counts as { open?: number } | null)?.open ?? 0)
  }
  res.json({ time_zone: zone, days, totals })
}
