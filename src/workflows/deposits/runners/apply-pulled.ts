import type { MedusaContainer } from "@medusajs/framework/types"
import type { PulledDeposit } from "../../../modules/waas/deposits/pulled-deposit"
import { processDepositPage } from "./deposit-page"

export interface Applied {
  /** the ledger part went through (applied or parked); a later step's failure is re-driven from the module's state */
  applied: boolean
  parked: boolean
  error: string | null
}

/** One record the poller (or the backfill) already pulled, through the deposit path (a page of one). */
export async function applyPulled(container: MedusaContainer, pulled: PulledDeposit): Promise<Applied> {
  const [r] = await processDepositPage(container, [pulled], "poll", { stopAtFailure: true })
  return { applied: r.applied, parked: r.parked, error: r.error }
}
