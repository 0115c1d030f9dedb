import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import type { IEventBusModuleService, Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { announce } from "../api/admin/waas/withdrawals/withdrawal-view"
import { WAAS_MODULE } from "../modules/waas"
import type WaasModuleService from "../modules/waas/service"
import { WithdrawalEvents } from "../modules/waas/withdrawals/withdrawal-events"

/**
 * Cancelling an order makes Medusa try to refund its captured payments; for a crypto payment the
 * provider refuses (no coins have moved), Medusa logs it and cancels anyway. Here the plugin opens the
 * real refund: a withdrawal request for what the payment can still refund, waiting for the shopper's
 * (or an admin's) destination and for approval.
 */
export default async function openRefundOnOrderCancel({ event, container }: SubscriberArgs<{ id: string }>): Promise<void> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  try {
    const w = waas.withdrawals()
    const change = await w.openCancellationRefund(event.data.id)
    if (!change) return
    await announce(container, change)
    if (change.withdrawal.status !== "requested" || change.withdrawal.to_address) return
    // ask the shopper where to send it: the store's subscriber emails them the link with this token
    const link = await w.issueAddressLink(change.withdrawal.id, null)
    await container.resolve<IEventBusModuleService>(Modules.EVENT_BUS).emit({
      name: WithdrawalEvents.ADDRESS_REQUESTED,
      data: { id: change.withdrawal.id, order_id: change.withdrawal.order_id, token: link.token, expires_at: link.expires_at.toISOString() },
    })
  } catch (e) {
    container
      .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .error(`medusa-plugin-waas: order ${event.data.id} was canceled but no refund request could be opened (${(e as Error).message}); open one in the admin`)
  }
}

export const config: SubscriberConfig = {
  event: "order.canceled",
  context: { subscriberId: "waas-open-refund-on-order-cancel" },
}
