import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../modules/waas"
import type WaasModuleService from "../../../../modules/waas/service"
import { adminPaymentView, cryptoPaymentsOfOrder } from "../payment-view"
import { AdminWaasPaymentLookup, parseOr400 } from "../validators"

/** `GET /admin/waas/payments?order_id=…` or `?payment_session_id=…`: the crypto payments with their deposits. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const q = parseOr400(AdminWaasPaymentLookup, req.query)
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  let payments
  if (q.order_id) {
    payments = await cryptoPaymentsOfOrder(req.scope, q.order_id)
    if (payments === null) throw new MedusaError(MedusaError.Types.NOT_FOUND, `order ${q.order_id} does not exist`)
  } else {
    payments = await waas.listCryptoPayments({ payment_session_id: q.payment_session_id })
  }
  res.json({ crypto_payments: await Promise.all(payments.map((p) => adminPaymentView(waas, p))) })
}
