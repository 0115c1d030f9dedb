import type { IEventBusModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { WithdrawalChangeResult } from "../../../modules/waas/withdrawals/withdrawals"

/** Announces withdrawal transitions, last, with ids only (withdrawal, request_id, order, payment, status). */
export const emitWithdrawalEventsStep = createStep(
  "waas-emit-withdrawal-events",
  async (input: { changes: Array<WithdrawalChangeResult | null> }, { container }) => {
    const messages = input.changes.flatMap((c) =>
      c
        ? c.events.map((name) => ({
            name,
            data: {
              id: c.withdrawal.id,
              request_id: c.withdrawal.request_id,
              status: c.withdrawal.status,
              order_id: c.withdrawal.order_id,
              crypto_payment_id: c.withdrawal.crypto_payment_id,
              deposit_id: c.withdrawal.deposit_id,
            },
          }))
        : [],
    )
    if (messages.length > 0) await container.resolve<IEventBusModuleService>(Modules.EVENT_BUS).emit(messages)
    return new StepResponse<string[]>(messages.map((m) => m.name))
  },
)
