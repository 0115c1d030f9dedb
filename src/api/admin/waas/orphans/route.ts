import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../modules/waas"
import { DEPOSIT_STATUSES_NEEDING_REVIEW } from "../../../../modules/waas/deposits/deposit-states"
import type WaasModuleService from "../../../../modules/waas/service"
import { adminDepositView } from "../payment-view"
import { AdminWaasOrphanList, parseOr400 } from "../validators"

/**
 * `GET /admin/waas/orphans[?status=held|orphaned&limit=&offset=]`: confirmed deposits no payment took
 * (orphaned: unknown address, wrong coin, after the monitoring window, canceled payment, impossible
 * amount) and late deposits held by the late-payment policy, oldest first.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const q = parseOr400(AdminWaasOrphanList, req.query)
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  const [deposits, count] = await waas.listAndCountDeposits(
    { status: q.status ? [q.status] : [...DEPOSIT_STATUSES_NEEDING_REVIEW] },
    { order: { waas_created_at: "ASC" }, take: q.limit, skip: q.offset },
  )
  res.json({ deposits: deposits.map(adminDepositView), count, limit: q.limit, offset: q.offset })
}
