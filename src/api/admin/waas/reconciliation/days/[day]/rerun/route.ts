import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import type { Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { ReconciliationBusyError, startReconciliation } from "../../../../../../../workflows/reconciliation/runners/run-reconciliation"
import { parseOr400 } from "../../../../validators"
import { runSummary } from "../../../run-view"
import { ReconDayParams } from "../../../validators"

/**
 * `POST /admin/waas/reconciliation/days/:day/rerun`: a new run of the day (attempt + 1), in the background;
 * 202 with the run (running); poll GET …/runs/:id for its progress and result. 409 while a run is in progress.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const { day } = parseOr400(ReconDayParams, req.params)
  const logger = req.scope.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  try {
    const { run, done } = await startReconciliation(req.scope, { day, trigger: "admin", actor: req.auth_context?.actor_id ?? null })
    done.catch((e) => logger.error(`medusa-plugin-waas: reconciliation rerun of ${day}: ${e instanceof Error ? e.message : String(e)}`))
    res.status(202).json({ run: runSummary(run) })
  } catch (e) {
    if (e instanceof ReconciliationBusyError) throw new MedusaError(MedusaError.Types.CONFLICT, e.message)
    throw e
  }
}
