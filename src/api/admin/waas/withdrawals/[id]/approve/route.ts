import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../../../modules/waas"
import type WaasModuleService from "../../../../../../modules/waas/service"
import { submitWithdrawal } from "../../../../../../workflows/withdrawals/runners/run-withdrawal-submission"
import { AdminWaasIdParams, parseOr400 } from "../../../validators"
import { adminWithdrawalView, announce } from "../../withdrawal-view"

/**
 * `POST /admin/waas/withdrawals/:id/approve`: an approval by an admin other than the requester (403 for
 * the requester). With enough approvals the withdrawal is sent to the WaaS right away; the answer shows
 * where it stands (submitted, or failed with the WaaS's code and reason).
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const { id } = parseOr400(AdminWaasIdParams, req.params)
  const actor = req.auth_context?.actor_id
  if (!actor) throw new MedusaError(MedusaError.Types.UNAUTHORIZED, "an approval needs a logged-in admin user")
  const w = req.scope.resolve<WaasModuleService>(WAAS_MODULE).withdrawals()
  const change = await w.approve(id, actor)
  await announce(req.scope, change)
  if (change.withdrawal.status === "approved") await submitWithdrawal(req.scope, id)
  res.json({ withdrawal: adminWithdrawalView(await w.retrieve(id)) })
}
