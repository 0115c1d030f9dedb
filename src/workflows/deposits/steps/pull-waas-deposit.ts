import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { DepositRecord } from "../../../protocol"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"

export interface PullWaasDepositInput {
  /** the WaaS deposit id a callback named; null skips the pull */
  waas_deposit_id: string | null
  /** a record already pulled (the poller's syncDepositList page): used as is */
  record?: DepositRecord | null
}

/**
 * The callback is only a hint: the deposit is read back from the WaaS by id (depositList) and only that
 * answer is acted on, so a forged-but-decryptable callback (a splice of genuine blocks, a leaked key)
 * claiming more money, another status or another address changes nothing. An id the WaaS does not know
 * yields null. Read-only, so nothing to compensate; a transport failure fails the step (and the run).
 */
export const pullWaasDepositStep = createStep(
  "waas-pull-deposit",
  async (input: PullWaasDepositInput, { container }) => {
    if (input.record) return new StepResponse<DepositRecord | null>(input.record)
    if (input.waas_deposit_id === null) return new StepResponse<DepositRecord | null>(null)
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    const record = await waas.pullDeposit(input.waas_deposit_id)
    return new StepResponse<DepositRecord | null>(record)
  },
)
