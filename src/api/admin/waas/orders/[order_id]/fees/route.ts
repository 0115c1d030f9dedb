import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../../../modules/waas"
import type WaasModuleService from "../../../../../../modules/waas/service"
import { ReconOrderParams } from "../../../reconciliation/validators"
import { parseOr400 } from "../../../validators"

/** `GET /admin/waas/orders/:order_id/fees`: the crypto fees an order cost (collection miner fees, refunds' fees). */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const { order_id } = parseOr400(ReconOrderParams, req.params)
  res.json(await req.scope.resolve<WaasModuleService>(WAAS_MODULE).reconciliation().feesForOrder(order_id))
}
