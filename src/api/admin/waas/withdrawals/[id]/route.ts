import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../../modules/waas"
import type WaasModuleService from "../../../../../modules/waas/service"
import { AdminWaasIdParams, parseOr400 } from "../../validators"
import { adminWithdrawalView } from "../withdrawal-view"

/** `GET /admin/waas/withdrawals/:id`: the withdrawal and its whole audit trail. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const { id } = parseOr400(AdminWaasIdParams, req.params)
  const w = req.scope.resolve<WaasModuleService>(WAAS_MODULE).withdrawals()
  const withdrawal = await w.retrieve(id)
  res.json({ withdrawal: adminWithdrawalView(withdrawal), audit: await w.audit(id) })
}
