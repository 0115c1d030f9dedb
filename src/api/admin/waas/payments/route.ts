import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../modules/waas"
import type WaasModuleService from "../../../../modules/waas/service"
import { orderNumbers, ordersNamedBy, paymentListRow } from "../payment-list"
import { adminPaymentView, cryptoPaymentsOfOrder } from "../payment-view"
import { AdminWaasPaymentList, AdminWaasPaymentLookup, parseOr400 } from "../validators"

/**
 * `GET /admin/waas/payments?order_id=…` or `?payment_session_id=…`: that order's (session's) crypto payments with
 * their deposits and ledger credits. Without either: the list, newest first, with filters (status, symbol,
 * created_from, created_to) and search (q: order number, address, txid), `{ crypto_payments, count, limit, offset }`.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const raw = req.query ?? {}
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  if (!("order_id" in raw) && !("payment_session_id" in raw)) {
    const q = parseOr400(AdminWaasPaymentList, raw)
    const { payments, count } = await waas.paymentSearch().search({
      ...q,
      order_ids: await ordersNamedBy(req.scope, q.q),
    })
    const numbers = await orderNumbers(req.scope, [...new Set(payments.map((p) => p.order_id).filter((id): id is string => !!id))])
    res.json({ crypto_payments: payments.map((p) => paymentListRow(waas, p, numbers)), count, limit: q.limit, offset: q.offset })
    return
  }
  const q = parseOr400(AdminWaasPaymentLookup, raw)
  let payments
  if (q.order_id) {
    payments = await cryptoPaymentsOfOrder(req.scope, q.order_id)
    if (payments === null) throw new MedusaError(MedusaError.Types.NOT_FOUND, `order ${q.order_id} does not exist`)
  } else {
    payments = await waas.listCryptoPayments({ payment_session_id: q.payment_session_id })
  }
  res.json({ crypto_payments: await Promise.all(payments.map((p) => adminPaymentView(waas, p))) })
}
