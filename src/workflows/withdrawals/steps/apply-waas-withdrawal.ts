import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { WithdrawRecord } from "../../../protocol"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import type { AuditSource } from "../../../modules/waas/withdrawals/withdrawal-states"
import type { WithdrawalChangeResult } from "../../../modules/waas/withdrawals/withdrawals"

/**
 * Applies the WaaS's record to our withdrawal under its row lock (forward transitions only, final states
 * sticky, fees and txid as reported). No compensation: it records what the WaaS did.
 */
export const applyWaasWithdrawalStep = createStep(
  { name: "waas-apply-withdrawal", noCompensation: true },
  async (input: { record: WithdrawRecord | null; source: AuditSource }, { container }) => {
    if (!input.record) return new StepResponse<WithdrawalChangeResult | null>(null)
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    return new StepResponse<WithdrawalChangeResult | null>(await waas.withdrawals().applyRecord(input.record, input.source))
  },
)
