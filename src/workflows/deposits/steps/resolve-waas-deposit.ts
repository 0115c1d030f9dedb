import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type { DepositApplication } from "../../../modules/waas/deposits/apply-deposit"
import type WaasModuleService from "../../../modules/waas/service"

export interface ResolveWaasDepositInput {
  deposit_id: string
  action: "attach" | "mark_for_refund"
  /** the payment to credit (attach); null = the payment a held deposit was sent for */
  crypto_payment_id: string | null
  actor: string | null
  note: string | null
}

/**
 * An admin's decision on a held or orphaned deposit, in one database transaction under the same locks as
 * every credit. No compensation, like the automatic credit: an attached deposit is money on the order's
 * books, and a refund decision is handed to the withdrawal flow; a later step's failure is re-driven.
 */
export const resolveWaasDepositStep = createStep(
  { name: "waas-resolve-deposit", noCompensation: true },
  async (input: ResolveWaasDepositInput, { container }) => {
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    const application =
      input.action === "attach"
        ? await waas.attachDeposit({ deposit_id: input.deposit_id, crypto_payment_id: input.crypto_payment_id, actor: input.actor, note: input.note })
        : await waas.markDepositForRefund({ deposit_id: input.deposit_id, actor: input.actor, note: input.note })
    return new StepResponse<DepositApplication>(application)
  },
)
