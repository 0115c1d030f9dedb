import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { WithdrawRecord } from "../../../protocol"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"

/**
 * A withdraw notification is a hint: the record is read back from the WaaS by our request_id
 * (withdrawList) and only that answer is applied. null when the WaaS has no such request_id. Read-only.
 */
export const pullWaasWithdrawalStep = createStep(
  "waas-pull-withdrawal",
  async (input: { request_id: string | null; record?: WithdrawRecord | null }, { container }) => {
    if (input.record) return new StepResponse<WithdrawRecord | null>(input.record)
    if (!input.request_id) return new StepResponse<WithdrawRecord | null>(null)
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    const [record] = (await waas.withdrawals().pull([input.request_id])).filter((r) => r.request_id === input.request_id)
    return new StepResponse<WithdrawRecord | null>(record ?? null)
  },
)
