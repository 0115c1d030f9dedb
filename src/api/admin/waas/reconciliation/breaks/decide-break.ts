import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../../modules/waas"
import { BreakDecisionError } from "../../../../../modules/waas/reconciliation/reconciliation"
import type WaasModuleService from "../../../../../modules/waas/service"
import { parseOr400 } from "../../validators"
import { breakView } from "../run-view"
import { ReconBreakDecision, ReconRunParams } from "../validators"

/** acknowledge or resolve a break with a note: 404 unknown, 409 when its status does not allow it (recon-states.ts) */
export async function decideBreak(req: AuthenticatedMedusaRequest, res: MedusaResponse, to: "acknowledged" | "resolved"): Promise<void> {
  const { id } = parseOr400(ReconRunParams, req.params)
  const { note } = parseOr400(ReconBreakDecision, req.body)
  const recon = req.scope.resolve<WaasModuleService>(WAAS_MODULE).reconciliation()
  try {
    const b = await recon.decide(id, to, note, req.auth_context?.actor_id ?? null)
    res.json({ break: breakView(b) })
  } catch (e) {
    if (e instanceof BreakDecisionError) {
      throw new MedusaError(e.status === 404 ? MedusaError.Types.NOT_FOUND : MedusaError.Types.CONFLICT, e.message)
    }
    throw e
  }
}
