import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../../modules/waas"
import type WaasModuleService from "../../../../../modules/waas/service"
import { StoreWaasPaymentParams } from "../../validators"

/**
 * `GET /store/waas/payments/:session_id`: what the storefront polls while the shopper pays:
 * the address, what is owed, what has arrived, and until when. Only the module's public view
 * leaves here; the WaaS uid, the synthetic email and every credential stay on the server.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const params = StoreWaasPaymentParams.safeParse(req.params)
  if (!params.success) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "session_id must be a payment session id")
  }
  const { session_id } = params.data
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)

  const payment = await waas.retrievePaymentBySession(session_id)
  if (!payment) {
    throw new MedusaError(
      MedusaError.Types.NOT_FOUND,
      `No crypto payment exists for payment session ${session_id}`
    )
  }
  res.json({ payment: waas.toPublicView(payment) })
}
