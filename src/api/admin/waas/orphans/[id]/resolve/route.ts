import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../../../modules/waas"
import type WaasModuleService from "../../../../../../modules/waas/service"
import { resolveWaasDepositWorkflow } from "../../../../../../workflows/deposits/workflows/resolve-deposit"
import { adminDepositView, adminPaymentView, cryptoPaymentsOfOrder } from "../../../payment-view"
import { AdminResolveOrphan, AdminWaasIdParams, parseOr400 } from "../../../validators"

/**
 * `POST /admin/waas/orphans/:id/resolve` with `{ action: "attach", order_id? | crypto_payment_id?, note? }`,
 * `{ action: "mark_for_refund", note? }` or `{ action: "acknowledge", note? }` (a reversed deposit). attach and
 * mark_for_refund re-read the deposit from the WaaS and go ahead only if it reports the deposit successful. Bad
 * input, an unknown order, a deposit that is not waiting for a decision, one the WaaS does not report received,
 * another coin, or a canceled target are refused with a message and change nothing.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const { id } = parseOr400(AdminWaasIdParams, req.params)
  const body = parseOr400(AdminResolveOrphan, req.body)
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)

  let target: string | null = null
  if (body.action === "attach" && body.order_id) {
    const [deposit] = await waas.listDeposits({ id }, { take: 1 })
    if (!deposit) throw new MedusaError(MedusaError.Types.NOT_FOUND, `deposit ${id} does not exist`)
    const payments = await cryptoPaymentsOfOrder(req.scope, body.order_id)
    if (payments === null) throw new MedusaError(MedusaError.Types.NOT_FOUND, `order ${body.order_id} does not exist`)
    const candidates = payments.filter((p) => p.status !== "canceled")
    if (candidates.length === 0) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `order ${body.order_id} has no live crypto payment to attach deposit ${id} to`)
    }
    const sameCoin = candidates.filter((p) => p.symbol === deposit.symbol)
    if (sameCoin.length > 1) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `order ${body.order_id} has ${sameCoin.length} crypto payments in ${deposit.symbol}; pass crypto_payment_id instead`,
      )
    }
    // a payment in another coin is refused with its reason by the ledger
    target = (sameCoin[0] ?? candidates[0]).id
  } else if (body.action === "attach") {
    target = body.crypto_payment_id ?? null
  }

  const { result } = await resolveWaasDepositWorkflow(req.scope).run({
    input: {
      deposit_id: id,
      action: body.action,
      crypto_payment_id: target,
      actor: req.auth_context?.actor_id ?? null,
      note: body.note ?? null,
    },
  })
  const [deposit] = await waas.listDeposits({ id }, { take: 1 })
  const paymentId = result.application?.payment?.id
  const [payment] = paymentId ? await waas.listCryptoPayments({ id: paymentId }, { take: 1 }) : []
  res.json({
    deposit: adminDepositView(deposit),
    crypto_payment: payment ? (await adminPaymentView(waas, payment)).crypto_payment : null,
    medusa: result.medusa,
  })
}
