import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import type { IEventBusModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../../../modules/waas"
import type WaasModuleService from "../../../../../../modules/waas/service"
import { WithdrawalEvents } from "../../../../../../modules/waas/withdrawals/withdrawal-events"
import { AdminWaasIdParams, parseOr400 } from "../../../validators"

/**
 * `POST /admin/waas/withdrawals/:id/address-link`: asks the shopper for the refund address. Issues a new
 * one-time token (the previous link stops working) and emits `waas.refund.address_requested` with it, for
 * the store's subscriber to email; the token itself is not returned to the admin.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const { id } = parseOr400(AdminWaasIdParams, req.params)
  const link = await req.scope.resolve<WaasModuleService>(WAAS_MODULE).withdrawals().issueAddressLink(id, req.auth_context?.actor_id ?? null)
  await req.scope.resolve<IEventBusModuleService>(Modules.EVENT_BUS).emit({
    name: WithdrawalEvents.ADDRESS_REQUESTED,
    data: { id, order_id: link.withdrawal.order_id, token: link.token, expires_at: link.expires_at.toISOString() },
  })
  res.json({ id, expires_at: link.expires_at })
}
