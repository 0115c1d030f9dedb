import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../../modules/waas"
import type WaasModuleService from "../../../../../modules/waas/service"
import { InvalidAdminInput, parseOr400 } from "../../validators"
import { addDays, dayIn, daysBetween, ReconRange } from "../validators"

/**
 * `GET /admin/waas/reconciliation/trend?from&to`: the chart's data in one request (and one query): every day of
 * [from, to] oldest first (default the 30 days up to today), with its standing run, per-coin volume in and out
 * and the breaks open now. At most 366 days.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const q = parseOr400(ReconRange, req.query)
  const recon = req.scope.resolve<WaasModuleService>(WAAS_MODULE).reconciliation()
  const zone = recon.options().timeZone
  const to = q.to ?? dayIn(zone, recon.now())
  const from = q.from ?? addDays(to, -29)
  if (from > to) throw new InvalidAdminInput("from must not be after to")
  if (daysBetween(from, to) > 365) throw new InvalidAdminInput("at most 366 days at a time")
  res.json({ time_zone: zone, from, to, days: await recon.trend(from, to) })
}
