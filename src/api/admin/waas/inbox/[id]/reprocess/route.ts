import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../../../../modules/waas"
import type WaasModuleService from "../../../../../../modules/waas/service"
import { processRecordedCallback } from "../../../../../../workflows/deposits/runners/run-callback-processing"
import { AdminWaasIdParams, parseOr400 } from "../../../validators"

/**
 * `POST /admin/waas/inbox/:id/reprocess`: runs a recorded deposit notification through the deposit path
 * again (after fixing whatever made it fail, or to re-read the WaaS). Safe to repeat: the ledger credits
 * each deposit once whatever runs it.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const { id } = parseOr400(AdminWaasIdParams, req.params)
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  const [entry] = await waas.listCallbackInboxes({ id }, { take: 1 })
  if (!entry) throw new MedusaError(MedusaError.Types.NOT_FOUND, `callback ${id} does not exist`)
  if (entry.side !== "deposit") {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `callback ${id} is a ${entry.side} notification; only deposit notifications are processed here`)
  }
  await waas.reopenCallback(id)
  const run = await processRecordedCallback(req.scope, id, { retry: false })
  if (!run.claimed && !run.error) {
    throw new MedusaError(MedusaError.Types.CONFLICT, `callback ${id} is being processed right now; try again in a moment`)
  }
  const [after] = await waas.listCallbackInboxes({ id }, { take: 1 })
  res.status(run.error ? 502 : 200).json({
    callback: {
      id: after.id,
      side: after.side,
      waas_id: after.waas_id,
      received_count: after.received_count,
      processed_count: after.processed_count,
      attempts: after.attempts,
      last_outcome: after.last_outcome,
      last_error: after.last_error,
    },
    outcome: run.outcome,
    error: run.error,
  })
}
