import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../../../modules/waas"
import type WaasModuleService from "../../../../../../modules/waas/service"
import { submitWithdrawal } from "../../../../../../workflows/withdrawals/runners/run-withdrawal-submission"
import { AdminWaasIdParams, parseOr400 } from "../../../validators"
import { AdminDestination } from "../../validators"
import { adminWithdrawalView, announce } from "../../withdrawal-view"

/**
 * `POST /admin/waas/withdrawals/:id/destination` with `{ address, memo? }`: sets where a requested refund
 * goes, validated for the coin. Changing the address after approvals starts the approvals over.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const { id } = parseOr400(AdminWaasIdParams, req.params)
  const body = parseOr400(AdminDestination, req.body)
  const w = req.scope.resolve<WaasModuleService>(WAAS_MODULE).withdrawals()
  const change = await w.setDestination(id, { address: body.address, memo: body.memo ?? null }, { source: "admin", actor: req.auth_context?.actor_id ?? null })
  await announce(req.scope, change)
  // approvals 0: the destination was the last thing missing
  if (change.withdrawal.status === "approved") await submitWithdrawal(req.scope, id)
  res.json({ withdrawal: adminWithdrawalView(await w.retrieve(id)) })
}
