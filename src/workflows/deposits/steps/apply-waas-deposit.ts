import type { Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type { DepositApplication, DepositSource } from "../../../modules/waas/deposits/apply-deposit"
import { isTransientFailure } from "../../../modules/waas/deposits/failure-kind"
import { UnapplicableDepositError } from "../../../modules/waas/deposits/outcome"
import { waasIdOf, type PulledDeposit } from "../../../modules/waas/deposits/pulled-deposit"
import type WaasModuleService from "../../../modules/waas/service"

export interface ApplyWaasDepositInput {
  pulled: PulledDeposit | null
  source: DepositSource
}

/**
 * Applies the WaaS's record to the ledger in one database transaction (see apply-deposit.ts: unique
 * credit per deposit id, payment row locked, amounts re-derived from the ledger).
 *
 * A record that cannot be applied (it does not validate, its status is undocumented, a rule throws on it) is
 * parked instead (needs_review with the reason, in a transaction of its own): it would fail the same way on
 * every retry and hold up whatever comes after it. A transient failure (database or WaaS out of reach, a lock,
 * a race) fails the step: the caller retries it and the sync cursor stays before it.
 *
 * No compensation, on purpose: a credit records money that has arrived. Undoing it because a later step
 * (Medusa's capture) failed would forget real money, and the re-run that follows could not tell it was
 * ever applied. Later steps are re-driven instead: they read the module's state, not this step's output.
 */
export const applyWaasDepositStep = createStep(
  { name: "waas-apply-deposit", noCompensation: true },
  async (input: ApplyWaasDepositInput, { container }) => {
    const pulled = input.pulled
    if (!pulled) return new StepResponse<DepositApplication | null>(null)
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    const park = async (reason: string) => {
      container
        .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
        .warn(`medusa-plugin-waas: deposit ${waasIdOf(pulled)} parked for review: ${reason}`)
      return new StepResponse<DepositApplication | null>(await waas.parkDeposit(pulled, input.source, reason))
    }
    if (pulled.kind === "unreadable") {
      return park(`the WaaS's record of this deposit does not match the protocol (${pulled.problems.join("; ")})`)
    }
    try {
      return new StepResponse<DepositApplication | null>(await waas.applyDeposit(pulled.record, input.source))
    } catch (e) {
      if (isTransientFailure(e)) throw e
      const why = e instanceof Error ? e.message : String(e)
      return park(e instanceof UnapplicableDepositError ? why : `applying the WaaS's record failed: ${why}`)
    }
  },
)
