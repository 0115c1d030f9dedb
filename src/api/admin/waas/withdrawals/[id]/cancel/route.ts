import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../../../modules/waas"
import type WaasModuleService from "../../../../../../modules/waas/service"
import { AdminWaasIdParams, parseOr400 } from "../../../validators"
import { AdminWithdrawalReason } from "../../validators"
import { adminWithdrawalView, announce } from "../../withdrawal-view"

/** `POST /admin/waas/withdrawals/:id/cancel` with `{ reason }`: withdraws a request, approved or not, before it is sent to the WaaS. */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const { id } = parseOr400(AdminWaasIdParams, req.params)
  const { reason } = parseOr400(AdminWithdrawalReason, req.body)
  const actor = req.auth_context?.actor_id
  if (!actor) throw new MedusaError(MedusaError.Types.UNAUTHORIZED, "a cancellation needs a logged-in admin user")
  const change = await req.scope.resolve<WaasModuleService>(WAAS_MODULE).withdrawals().cancel(id, actor, reason)
  await announce(req.scope, change)
  res.json({ withdrawal: adminWithdrawalView(change.withdrawal) })
}
