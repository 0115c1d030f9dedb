import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { WAAS_MODULE } from "../../../../../../modules/waas"
import type WaasModuleService from "../../../../../../modules/waas/service"
import { submitWithdrawal } from "../../../../../../workflows/withdrawals/runners/run-withdrawal-submission"
import { announce } from "../../../../../admin/waas/withdrawals/withdrawal-view"

const Params = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "id must be a refund id") })
const Body = z
  .object({
    address: z.string().trim().min(1, "address is required").max(200),
    memo: z.string().trim().max(64).optional().nullable(),
    /** the one-time token of the link the store sent; not needed when logged in as the order's customer */
    token: z.string().min(16).max(200).optional(),
  })
  .strict()

/**
 * `POST /store/waas/refunds/:id/address` with `{ address, memo?, token? }`: the shopper gives the address a
 * refund goes to, validated for the coin. Allowed for the order's customer when logged in, or with the
 * one-time token of the link the store sent (event `waas.refund.address_requested`), which it uses up.
 * Answers only what the shopper may see: the refund's status, coin, amount and address.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const params = Params.safeParse(req.params)
  const body = Body.safeParse(req.body ?? {})
  if (!params.success || !body.success) {
    const issue = (params.success ? body.error! : params.error).issues[0]
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `${issue.path.join(".") || "body"}: ${issue.message}`)
  }
  const w = req.scope.resolve<WaasModuleService>(WAAS_MODULE).withdrawals()
  const { id } = params.data
  const destination = { address: body.data.address, memo: body.data.memo ?? null }
  let proof: { token: string } | { customer_id: string }
  if (body.data.token) {
    proof = { token: body.data.token }
  } else {
    const customerId = req.auth_context?.actor_type === "customer" ? req.auth_context.actor_id : null
    const current = customerId ? await w.retrieve(id).catch(() => null) : null
    const owner = current?.order_id ? await orderCustomer(req, current.order_id) : null
    // the same answer for "no such refund" and "not yours": nothing to learn by guessing ids
    if (!customerId || !owner || owner !== customerId) {
      throw new MedusaError(MedusaError.Types.UNAUTHORIZED, "log in as the order's customer, or use the link the store sent you")
    }
    proof = { customer_id: customerId }
  }
  const change = await w.setDestinationAsShopper(id, destination, proof)
  await announce(req.scope, change)
  // withdrawals.approvals = 0: the address was the last thing the refund waited for
  if (change.withdrawal.status === "approved") await submitWithdrawal(req.scope, id)
  const r = await w.retrieve(id)
  res.json({
    refund: { id: r.id, status: r.status, symbol: r.symbol, amount: r.receive_amount ?? r.refund_amount, to_address: r.to_address, memo: r.memo },
  })
}

async function orderCustomer(req: AuthenticatedMedusaRequest, orderId: string): Promise<string | null> {
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "order", fields: ["id", "customer_id"], filters: { id: orderId } })
  return (data[0] as { customer_id?: string | null } | undefined)?.customer_id ?? null
}
