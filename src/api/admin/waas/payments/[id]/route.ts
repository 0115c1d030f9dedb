import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../../modules/waas"
import type WaasModuleService from "../../../../../modules/waas/service"
import { adminPaymentView } from "../../payment-view"
import { AdminWaasIdParams, parseOr400 } from "../../validators"

/** `GET /admin/waas/payments/:id`: one crypto payment with its deposits and ledger credits. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const { id } = parseOr400(AdminWaasIdParams, req.params)
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  const [payment] = await waas.listCryptoPayments({ id }, { take: 1 })
  if (!payment) throw new MedusaError(MedusaError.Types.NOT_FOUND, `crypto payment ${id} does not exist`)
  res.json(await adminPaymentView(waas, payment))
}
