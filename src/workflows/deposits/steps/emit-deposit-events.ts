import type { IEventBusModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { DepositApplication } from "../../../modules/waas/deposits/apply-deposit"
import { DepositEvents } from "../../../modules/waas/deposits/outcome"

/**
 * Announces what an application changed (outcomeEvents decides which), last, so an event never announces
 * something the run then failed to finish. Payloads carry ids only: the deposit's, the WaaS's, the
 * payment's and its session's. Nothing to compensate: it is the last step.
 */
export const emitDepositEventsStep = createStep(
  "waas-emit-deposit-events",
  async (input: { application: DepositApplication | null }, { container }) => {
    const a = input.application
    if (!a || a.events.length === 0) return new StepResponse<string[]>([])
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
    return new StepResponse<string[]>(a.events)
  },
)

export { DepositEvents }
