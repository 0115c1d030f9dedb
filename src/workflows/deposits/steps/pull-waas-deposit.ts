import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { DepositRecord } from "../../../protocol"
import { WAAS_MODULE } from "../../../modules/waas"
import type { PulledDeposit } from "../../../modules/waas/deposits/pulled-deposit"
import type WaasModuleService from "../../../modules/waas/service"

export interface PullWaasDepositInput {
  /** the WaaS deposit id a callback named; null skips the pull */
  waas_deposit_id: string | null
  /** what the caller already pulled (the poller's sync page or re-read): used as is */
  pulled?: PulledDeposit | null
  /** a record the caller already pulled and validated: used as is */
  record?: DepositRecord | null
}

/**
 * The callback is only a hint: the deposit is read back from the WaaS by id (depositList) and only that
 * answer is acted on, so a forged-but-decryptable callback (a splice of genuine blocks, a leaked key)
 * claiming more money, another status or another address changes nothing. An id the WaaS does not know
 * yields null; a record that does not validate comes back `unreadable` (to be parked, not to fail the run).
 * Read-only, so nothing to compensate; a transport failure fails the step (and the run).
 */
export const pullWaasDepositStep = createStep(
  "waas-pull-deposit",
  async (input: PullWaasDepositInput, { container }) => {
    if (input.pulled) return new StepResponse<PulledDeposit | null>(input.pulled)
    if (input.record) return new StepResponse<PulledDeposit | null>({ kind: "record", record: input.record })
    if (input.waas_deposit_id === null) return new StepResponse<PulledDeposit | null>(null)
    const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
    return new StepResponse<PulledDeposit | null>(await waas.pullDeposit(input.waas_deposit_id))
  },
)
