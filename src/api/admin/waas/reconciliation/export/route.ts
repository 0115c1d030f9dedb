import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../../modules/waas"
import type WaasModuleService from "../../../../../modules/waas/service"
import { parseOr400 } from "../../validators"
import { streamRunsCsv } from "../csv-export"
import { daysBetween, ReconRange } from "../validators"

/** `GET /admin/waas/reconciliation/export?from&to`: the latest run of every day in the range, oldest day first, as one CSV. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const q = parseOr400(ReconRange, req.query)
  if (!q.from || !q.to) throw new MedusaError(MedusaError.Types.INVALID_DATA, "from and to are required (YYYY-MM-DD)")
  if (daysBetween(q.from, q.to) > 366) throw new MedusaError(MedusaError.Types.INVALID_DATA, "at most 366 days at a time")
  const recon = req.scope.resolve<WaasModuleService>(WAAS_MODULE).reconciliation()
  const runs = (await recon.latestRuns(q.from, q.to)).sort((a, b) => a.day.localeCompare(b.day))
  await streamRunsCsv(req.scope, recon, runs, res, `waas-reconciliation-${q.from}-${q.to}.csv`)
}
