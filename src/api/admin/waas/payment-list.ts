import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import type WaasModuleService from "../../../modules/waas/service"
import type { CryptoPaymentDTO } from "../../../modules/waas/service"

/** An order number as an admin types it: "1001" or "#1001". */
const ORDER_NUMBER = /^#?(\d{1,12})$/

const OrderNumbers = z.array(z.object({ id: z.string(), display_id: z.union([z.number(), z.string()]).nullish() }))

/** Medusa owns order numbers: the ids of the orders a search's text names by number (none when it is not one). */
export async function ordersNamedBy(container: MedusaContainer, q: string | undefined): Promise<string[]> {
  const m = q ? ORDER_NUMBER.exec(q) : null
  if (!m) return []
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "order", fields: ["id", "display_id"], filters: { display_id: Number(m[1]) } })
  return OrderNumbers.parse(data).map((o) => o.id)
}

/** order id → order number, for the orders of a page of payments */
export async function orderNumbers(container: MedusaContainer, orderIds: string[]): Promise<Map<string, number | null>> {
  if (!orderIds.length) return new Map()
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "order", fields: ["id", "display_id"], filters: { id: orderIds } })
  return new Map(OrderNumbers.parse(data).map((o) => [o.id, o.display_id == null ? null : Number(o.display_id)]))
}

const RawFiat = z.object({ raw_fiat_amount: z.object({ value: z.string() }) })

/** the fiat amount exactly as stored (Medusa's BigNumber keeps it in raw_fiat_amount), never through a JS number */
export function exactFiat(p: CryptoPaymentDTO): string | null {
  const parsed = RawFiat.safeParse(p)
  return parsed.success ? parsed.data.raw_fiat_amount.value : null
}

/** A row of the admin's payments list: the payment's figures as exact strings, and its order's number. */
export function paymentListRow(waas: WaasModuleService, p: CryptoPaymentDTO, numbers: Map<string, number | null>) {
  return {
    id: p.id,
    order_id: p.order_id,
    display_id: p.order_id ? (numbers.get(p.order_id) ?? null) : null,
    payment_session_id: p.payment_session_id,
    status: p.status,
    symbol: p.symbol,
    network: p.network,
    address: p.address,
    amount_due: p.amount_due,
    amount_received: p.amount_received,
    amount_pending: p.amount_pending,
    amount_excess: p.amount_excess,
    amount_remaining: waas.toPublicView(p).amount_remaining,
    fiat_amount: exactFiat(p),
    currency_code: p.currency_code,
    expires_at: p.expires_at,
    created_at: p.created_at,
  }
}
