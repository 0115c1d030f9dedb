import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../modules/waas"
import { DEPOSIT_STATUSES_AWAITING_DECISION } from "../../../../modules/waas/deposits/deposit-states"
import type WaasModuleService from "../../../../modules/waas/service"
import { adminDepositView } from "../payment-view"
import { AdminWaasOrphanList, parseOr400 } from "../validators"

/**
 * `GET /admin/waas/orphans[?status=held|orphaned|needs_review|reversed&limit=&offset=]`: the review queue, oldest
 * first. Confirmed deposits no payment took (orphaned: unknown address, wrong coin, after the monitoring window,
 * canceled payment, impossible amount), late deposits held by the late-payment policy, records the plugin could
 * not apply (needs_review, with review_reason), and credited deposits the WaaS later reported otherwise
 * (reversed, until an admin acknowledges them).
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const q = parseOr400(AdminWaasOrphanList, req.query)
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  const reversals = { status: ["reversed"], resolution: null }
  const filter =
    q.status === "reversed"
      ? reversals
      : q.status
        ? { status: [q.status] }
        : { $or: [{ status: [...DEPOSIT_STATUSES_AWAITING_DECISION] }, reversals] }
  const [deposits, count] = await waas.listAndCountDeposits(filter as Parameters<WaasModuleService["listAndCountDeposits"]>[0], {
    order: { waas_created_at: "ASC" },
    take: q.limit,
    skip: q.offset,
  })
  res.json({ deposits: deposits.map(adminDepositView), count, limit: q.limit, offset: q.offset })
}
