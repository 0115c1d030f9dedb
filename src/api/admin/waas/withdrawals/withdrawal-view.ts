import type { MedusaContainer } from "@medusajs/framework/types"
import type { IEventBusModuleService, Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { WithdrawalRow } from "../../../../modules/waas/withdrawals/withdrawal-sql"
import type { WithdrawalChangeResult } from "../../../../modules/waas/withdrawals/withdrawals"

/** What the admin sees of a withdrawal: everything but the shopper link's token hash. */
export function adminWithdrawalView(w: WithdrawalRow) {
  const { address_token_hash: _hidden, ...view } = w
  return { ...view, has_address_link: w.address_token_hash !== null }
}

/** Announces a change after its transaction committed; a failed announcement never undoes the change. */
export async function announce(scope: MedusaContainer, change: WithdrawalChangeResult): Promise<void> {
  if (change.events.length === 0) return
  const w = change.withdrawal
  const data = { id: w.id, request_id: w.request_id, status: w.status, order_id: w.order_id, crypto_payment_id: w.crypto_payment_id, deposit_id: w.deposit_id }
  try {
    await scope.resolve<IEventBusModuleService>(Modules.EVENT_BUS).emit(change.events.map((name) => ({ name, data })))
  } catch (e) {
    scope.resolve<Logger>(ContainerRegistrationKeys.LOGGER).warn(`medusa-plugin-waas: withdrawal ${w.id} changed but was not announced (${(e as Error).message})`)
  }
}
