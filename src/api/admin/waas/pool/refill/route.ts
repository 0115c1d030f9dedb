import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../../modules/waas"
import type WaasModuleService from "../../../../../modules/waas/service"
import { AdminRefillPool, parseOr400 } from "../../validators"
import { poolView } from "../pool-view"

/**
 * `POST /admin/waas/pool/refill` `{ symbols? }`: "Refill now". The same run as the job's (one at a time across
 * instances; a concurrent one answers skipped), logged as the admin's. Answers the run's report and the pool after it.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const body = parseOr400(AdminRefillPool, req.body)
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  const report = await waas.refillPool({ symbols: body.symbols, trigger: "admin", actor: req.auth_context?.actor_id ?? null })
  res.json({ report, pool: await poolView(waas) })
}
