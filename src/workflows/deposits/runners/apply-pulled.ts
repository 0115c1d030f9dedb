import type { MedusaContainer } from "@medusajs/framework/types"
import { waasIdOf, type PulledDeposit } from "../../../modules/waas/deposits/pulled-deposit"
import { processWaasDepositWorkflow } from "../workflows/process-deposit"
import { ledgerApplied } from "./workflow-errors"
import { workflowFailureText } from "./workflow-failure"

export interface Applied {
  /** the ledger part went through (applied or parked); a later step's failure is re-driven from the module's state */
  applied: boolean
  parked: boolean
  error: string | null
}

/** One record the poller (or the backfill) already pulled, through the one deposit path. */
export async function applyPulled(container: MedusaContainer, pulled: PulledDeposit): Promise<Applied> {
  const { result, errors } = await processWaasDepositWorkflow(container).run({
    input: { waas_deposit_id: waasIdOf(pulled), pulled, source: "poll" },
    throwOnError: false,
  })
  if (errors.length === 0) return { applied: true, parked: result.application?.after === "needs_review", error: null }
  return { applied: ledgerApplied(errors), parked: false, error: workflowFailureText(errors) }
}
