import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../../../modules/waas"
import type WaasModuleService from "../../../../../../modules/waas/service"
import { parseOr400 } from "../../../validators"
import { runDetail } from "../../run-view"
import { ReconRunParams } from "../../validators"

/** `GET /admin/waas/reconciliation/runs/:id`: one run with its totals per coin for the three sides, fees and progress. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const { id } = parseOr400(ReconRunParams, req.params)
  const run = await req.scope.resolve<WaasModuleService>(WAAS_MODULE).reconciliation().getRun(id)
  if (!run) throw new MedusaError(MedusaError.Types.NOT_FOUND, `no reconciliation run ${id}`)
  res.json({ run: runDetail(run) })
}
