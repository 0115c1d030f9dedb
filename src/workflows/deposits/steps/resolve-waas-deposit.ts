import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type { DepositApplication } from "../../../modules/waas/deposits/apply-deposit"
import type WaasModuleService from "../../../modules/waas/service"

export interface ResolveWaasDepositInput {
  deposit_id: string
  action: "attach" | "mark_for_refund" | "acknowledge"
  /** the payment to credit (attach); null = the payment a held deposit was sent for */
  crypto_payment_id: string | null
  actor: string | null
  note: string | null
}

/**
 * An admin's decision on the review queue, in one database transaction under the same locks as every credit.
 * attach and mark_for_refund re-read the deposit from the WaaS first (depositList, before the transaction) and
 * are refused, changing nothing, unless it reports the deposit successful: money that never arrived is neither
 * credited nor refunded. acknowledge takes a reversed deposit off the queue.
 * No compensation, like the automatic credit: an attached deposit is money on the order's books, and a refund
 * decision is handed to the withdrawal flow; a later step's failure is re-driven.
 */
export const resolveWaasDepositStep = createStep(
  { name: "waas-resolve-deposit", noCompensation: true },
  async (input: ResolveWaasDepositInput, { container }) => {
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    const decision = { deposit_id: input.deposit_id, actor: input.actor, note: input.note }
    const application =
      input.action === "attach"
        ? await waas.attachDeposit({ ...decision, crypto_payment_id: input.crypto_payment_id })
        : input.action === "mark_for_refund"
          ? await waas.markDepositForRefund(decision)
          : await waas.acknowledgeReversal(decision)
    return new StepResponse<DepositApplication>(application)
  },
)
