import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../modules/waas"
import type { AlertRow } from "../../../../modules/waas/alerts/alerts"
import type WaasModuleService from "../../../../modules/waas/service"
import { AdminWaasAlertList, parseOr400 } from "../validators"

const view = (a: AlertRow) => ({
  id: a.id,
  key: a.key,
  condition: a.condition,
  subject: a.subject,
  status: a.status,
  message: a.message,
  figures: a.figures,
  raised_at: new Date(a.raised_at).toISOString(),
  last_seen_at: new Date(a.last_seen_at).toISOString(),
  resolved_at: a.resolved_at ? new Date(a.resolved_at).toISOString() : null,
})

/**
 * `GET /admin/waas/alerts[?status=open|resolved|all&limit=&offset=]`: the plugin's operator alerts, open ones
 * first (newest first), then the recently resolved (kept alerts.retentionDays). Figures and ids only.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const q = parseOr400(AdminWaasAlertList, req.query)
  const alerts = req.scope.resolve<WaasModuleService>(WAAS_MODULE).alerts()
  const { alerts: rows, count } = await alerts.list({ status: q.status === "all" ? undefined : q.status, limit: q.limit, offset: q.offset })
  res.json({ alerts: rows.map(view), count, limit: q.limit, offset: q.offset })
}
