import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../../modules/waas"
import type WaasModuleService from "../../../../../modules/waas/service"
import { WITHDRAWAL_GROUP_NAMES, WITHDRAWAL_GROUPS } from "../../../../../modules/waas/withdrawals/withdrawal-states"
import { parseOr400 } from "../../validators"
import { z } from "@medusajs/framework/zod"

/**
 * `GET /admin/waas/withdrawals/groups`: the Refunds tab's groups with the statuses each holds and how many refunds
 * stand in it now (one aggregate); list a group's refunds with GET …/withdrawals?group=…&limit&offset.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  parseOr400(z.object({}).strict(), req.query)
  const counts = await req.scope.resolve<WaasModuleService>(WAAS_MODULE).withdrawals().groupCounts()
  res.json({ groups: WITHDRAWAL_GROUP_NAMES.map((id) => ({ id, statuses: WITHDRAWAL_GROUPS[id], count: counts[id] })) })
}
