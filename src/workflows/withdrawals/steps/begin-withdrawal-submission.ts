import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import type { WithdrawalChangeResult } from "../../../modules/waas/withdrawals/withdrawals"

/**
 * approved → submitting, in its own committed transaction BEFORE the WaaS is called: the WaaS's second
 * confirmation arrives while `withdraw` is in flight and is confirmed only for a `submitting` row.
 * No compensation: once submitting, the WaaS may have the withdrawal; only its own answer (or the
 * poller's lookup by request_id) may move the row on.
 */
export const beginWithdrawalSubmissionStep = createStep(
  { name: "waas-begin-withdrawal-submission", noCompensation: true },
  async (input: { withdrawal_id: string; redrive?: boolean }, { container }) => {
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    return new StepResponse<WithdrawalChangeResult | null>(await waas.withdrawals().beginSubmission(input.withdrawal_id, { redrive: input.redrive }))
  },
)
