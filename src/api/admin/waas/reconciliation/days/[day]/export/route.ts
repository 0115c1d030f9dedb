import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../../../../modules/waas"
import type WaasModuleService from "../../../../../../../modules/waas/service"
import { parseOr400 } from "../../../../validators"
import { streamRunsCsv } from "../../../csv-export"
import { ReconDayParams } from "../../../validators"

/** `GET /admin/waas/reconciliation/days/:day/export`: the latest run of the day as CSV (its breaks, then every matched record). */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const { day } = parseOr400(ReconDayParams, req.params)
  const recon = req.scope.resolve<WaasModuleService>(WAAS_MODULE).reconciliation()
  const [run] = await recon.latestRuns(day, day)
  if (!run) throw new MedusaError(MedusaError.Types.NOT_FOUND, `${day} has not been reconciled`)
  await streamRunsCsv(req.scope, recon, [run], res, `waas-reconciliation-${day}.csv`)
}
