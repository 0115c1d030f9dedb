import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import type { SendOutcome } from "../../../modules/waas/withdrawals/submission"
import type { WithdrawalChangeResult } from "../../../modules/waas/withdrawals/withdrawals"

/**
 * Records what the WaaS answered: accepted → submitted (or further, by the answer's status); a business
 * error → failed with its code and a plain-words reason (the amount is refundable again); unknown → the
 * row stays submitting and the poller resolves it by request_id. If this step fails (the database), the
 * row stays submitting too: the poller's withdrawList read applies the WaaS's record later.
 */
export const recordWithdrawalSubmissionStep = createStep(
  { name: "waas-record-withdrawal-submission", noCompensation: true },
  async (input: { withdrawal_id: string; outcome: SendOutcome | null }, { container }) => {
    if (!input.outcome) return new StepResponse<WithdrawalChangeResult | null>(null)
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    return new StepResponse<WithdrawalChangeResult | null>(await waas.withdrawals().recordSubmission(input.withdrawal_id, input.outcome))
  },
)
