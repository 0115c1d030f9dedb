import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../../../../modules/waas"
import type WaasModuleService from "../../../../../../../modules/waas/service"
import { parseOr400 } from "../../../../validators"
import { breakView } from "../../../run-view"
import { ReconBreakList, ReconRunParams } from "../../../validators"

/** `GET /admin/waas/reconciliation/runs/:id/breaks?type&kind&status&coin&limit&offset` */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const { id } = parseOr400(ReconRunParams, req.params)
  const q = parseOr400(ReconBreakList, req.query)
  const recon = req.scope.resolve<WaasModuleService>(WAAS_MODULE).reconciliation()
  if (!(await recon.getRun(id))) throw new MedusaError(MedusaError.Types.NOT_FOUND, `no reconciliation run ${id}`)
  const { breaks, count } = await recon.listBreaks(id, { type: q.type, kind: q.kind, status: q.status, coin: q.coin }, q)
  res.json({ breaks: breaks.map(breakView), count, limit: q.limit, offset: q.offset })
}
