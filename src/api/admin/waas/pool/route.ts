import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../modules/waas"
import type WaasModuleService from "../../../../modules/waas/service"
import { poolView } from "./pool-view"

/** `GET /admin/waas/pool`: the address pool per coin (available, assigned, cooling, retired), the user cap, the last refill. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  res.json(await poolView(req.scope.resolve<WaasModuleService>(WAAS_MODULE)))
}
