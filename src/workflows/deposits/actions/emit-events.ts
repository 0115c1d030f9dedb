import type { IEventBusModuleService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import type { DepositApplication } from "../../../modules/waas/deposits/apply-deposit"

/**
 * Announces what an application changed (outcomeEvents decides which), last, so an event never announces
 * something the run then failed to finish. Payloads carry ids only: the deposit's, the WaaS's, the
 * payment's and its session's.
 */
export async function emitDepositEvents(container: MedusaContainer, a: DepositApplication | null): Promise<string[]> {
  if (!a || a.events.length === 0) return []
  const data = {
    deposit_id: a.deposit_id,
    waas_deposit_id: a.waas_deposit_id,
    status: a.after,
    ...(a.payment && {
      id: a.payment.id,
      crypto_payment_id: a.payment.id,
      payment_session_id: a.payment.payment_session_id,
      order_id: a.payment.order_id,
    }),
  }
  const eventBus = container.resolve<IEventBusModuleService>(Modules.EVENT_BUS)
  await eventBus.emit(a.events.map((name) => ({ name, data })))
  return a.events
}
