import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../modules/waas"
import type WaasModuleService from "../../../../modules/waas/service"
import { adminCallbackView } from "./callback-view"
import { AdminWaasInboxList, parseOr400 } from "../validators"

/**
 * `GET /admin/waas/inbox[?state=pending|failing|all&limit=&offset=]`: recorded WaaS callbacks, oldest delivery
 * first. pending: not processed yet; failing: pending and their processing failed (failures, last_error, and
 * next_attempt_at, when the poller's sweep tries again); all: every one. A failing callback can be re-run now with
 * POST /admin/waas/inbox/:id/reprocess.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const q = parseOr400(AdminWaasInboxList, req.query)
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  const [rows, count] = await waas.listCallbacksByState(q.state, { limit: q.limit, offset: q.offset })
  res.json({ callbacks: rows.map(adminCallbackView), count, limit: q.limit, offset: q.offset })
}
