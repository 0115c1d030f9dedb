import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { DepositRecord } from "../../../protocol"
import { WAAS_MODULE } from "../../../modules/waas"
import type { DepositApplication, DepositSource } from "../../../modules/waas/deposits/apply-deposit"
import type WaasModuleService from "../../../modules/waas/service"

export interface ApplyWaasDepositInput {
  record: DepositRecord | null
  source: DepositSource
}

/**
 * Applies the WaaS's record to the ledger in one database transaction (see apply-deposit.ts: unique
 * credit per deposit id, payment row locked, amounts re-derived from the ledger).
 *
 * No compensation, on purpose: a credit records money that has arrived. Undoing it because a later step
 * (Medusa's capture) failed would forget real money, and the re-run that follows could not tell it was
 * ever applied. Later steps are re-driven instead: they read the module's state, not this step's output.
 */
export const applyWaasDepositStep = createStep(
  { name: "waas-apply-deposit", noCompensation: true },
  async (input: ApplyWaasDepositInput, { container }) => {
    if (!input.record) return new StepResponse<DepositApplication | null>(null)
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    const application = await waas.applyDeposit(input.record, input.source)
    return new StepResponse<DepositApplication | null>(application)
  },
)
