import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../modules/waas"
import type WaasModuleService from "../../../../modules/waas/service"

/**
 * `GET /admin/waas/health`: a live signed call to the WaaS with its latency, the last callback received, the
 * callbacks refused in the last 24 h by reason, those recorded but not processed, the pollers' last runs and
 * lag, and the options in force with every secret redacted. Always 200: an unreachable WaaS is a finding.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  res.json(await req.scope.resolve<WaasModuleService>(WAAS_MODULE).health().report())
}
