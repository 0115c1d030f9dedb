import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import type { Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { WAAS_MODULE } from "../modules/waas"
import type WaasModuleService from "../modules/waas/service"

const WAAS_PROVIDER = "pp_waas_waas"

const OrderSessions = z.object({
  payment_collections: z
    .array(z.object({ payment_sessions: z.array(z.object({ id: z.string(), provider_id: z.string() })).nullish() }))
    .nullish(),
})

/**
 * Records the order on the crypto payment of each WaaS payment session the order was placed with, so
 * deposit events and the admin API name the order. Best effort: the admin API also finds a payment
 * through the order's payment sessions, and nothing about money depends on this.
 */
export default async function recordCryptoPaymentOrder({ event, container }: SubscriberArgs<{ id: string }>): Promise<void> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  try {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({
      entity: "order",
      fields: ["payment_collections.payment_sessions.id", "payment_collections.payment_sessions.provider_id"],
      filters: { id: event.data.id },
    })
    if (!data.length) return
    const order = OrderSessions.parse(data[0])
    const sessions = (order.payment_collections ?? []).flatMap((pc) => pc.payment_sessions ?? []).filter((s) => s.provider_id === WAAS_PROVIDER)
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    for (const session of sessions) {
      if (await waas.retrievePaymentBySession(session.id)) await waas.attachOrder(session.id, event.data.id)
    }
  } catch (e) {
    logger.warn(`medusa-plugin-waas: could not record order ${event.data.id} on its crypto payment (${(e as Error).message})`)
  }
}

export const config: SubscriberConfig = {
  event: "order.placed",
  context: { subscriberId: "waas-record-crypto-payment-order" },
}
