import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import type { SendOutcome } from "../../../modules/waas/withdrawals/submission"
import type { WithdrawalChangeResult } from "../../../modules/waas/withdrawals/withdrawals"

/**
 * The WaaS `withdraw` call through `submitWithdrawalSafely`, with the request_id stored at request time:
 * after a timeout, network error or 5xx it looks the id up (withdrawList) and resubmits the SAME id only
 * when the WaaS has no record; 110088 means the WaaS has it. Every WaaS answer is an outcome, never a
 * thrown error, so the next step records it. Never retried by the engine (maxRetries 0).
 */
export const sendWithdrawalStep = createStep(
  { name: "waas-send-withdrawal", maxRetries: 0, noCompensation: true },
  async (input: { begun: WithdrawalChangeResult | null; settle_delay_ms?: number }, { container }) => {
    if (!input.begun) return new StepResponse<SendOutcome | null>(null)
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    const outcome = await waas.withdrawals().send(input.begun.withdrawal, { settleDelayMs: input.settle_delay_ms })
    return new StepResponse<SendOutcome | null>(outcome)
  },
)
