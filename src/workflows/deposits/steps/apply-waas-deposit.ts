import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type { DepositApplication, DepositSource } from "../../../modules/waas/deposits/apply-deposit"
import type { PulledDeposit } from "../../../modules/waas/deposits/pulled-deposit"
import type WaasModuleService from "../../../modules/waas/service"

export interface ApplyWaasDepositInput {
  pulled: PulledDeposit | null
  source: DepositSource
}

/**
 * Applies the WaaS's record to the ledger in one database transaction, as a page of one (the module's
 * applyDepositPage: unique credit per deposit id, payment row locked, amounts re-derived from the ledger; a record
 * that cannot be applied is parked for review; a transient failure fails the step and the caller retries it).
 *
 * No compensation, on purpose: a credit records money that has arrived. Undoing it because a later step
 * (Medusa's capture) failed would forget real money, and the re-run that follows could not tell it was
 * ever applied. Later steps are re-driven instead: they read the module's state, not this step's output.
 */
export const applyWaasDepositStep = createStep(
  { name: "waas-apply-deposit", noCompensation: true },
  async (input: ApplyWaasDepositInput, { container }) => {
    if (!input.pulled) return new StepResponse<DepositApplication | null>(null)
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    const [entry] = await waas.applyDepositPage([input.pulled], input.source, { stopAtFailure: true })
    if (entry.kind === "failed") throw entry.error
    return new StepResponse<DepositApplication | null>(entry.kind === "applied" ? entry.application : null)
  },
)
