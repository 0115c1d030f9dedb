import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { runDepositBackfill } from "../../../../../workflows/deposits/runners/run-deposit-backfill"
import { AdminDepositBackfill, parseOr400 } from "../../validators"

/**
 * `POST /admin/waas/deposits/backfill` `{ after?, max_pages? }`: applies the WaaS's older deposits, the ones below
 * where the poller's cursor started, `max_pages` syncDepositList pages a call. Answers what it did and `next_after`
 * to pass next time; `done` once it reached the poller's cursor. 409 while the poller runs; 502 when the WaaS could
 * not be read (what was applied before stays applied).
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const body = parseOr400(AdminDepositBackfill, req.body)
  const report = await runDepositBackfill(req.scope, { ...body, actor: req.auth_context?.actor_id ?? null })
  if (report.refused) throw new MedusaError(MedusaError.Types.CONFLICT, `the backfill did not run: ${report.refused}`)
  res.status(report.error ? 502 : 200).json({ backfill: report })
}
