import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type { AlertChanges } from "../../../modules/waas/alerts/alerts"
import type { ReconciliationStatus } from "../../../modules/waas/alerts/conditions"
import type { RefillReport } from "../../../modules/waas/pool/refill"
import type WaasModuleService from "../../../modules/waas/service"

export type AlertSource =
  | { source: "evaluate" }
  | { source: "refill"; report: RefillReport }
  | { source: "reconciliation"; day: string; status: ReconciliationStatus; breaks: Record<string, number> }

/**
 * Judges one source's conditions and records the verdict (raise, refresh, resolve) in the module. No
 * compensation: an alert row is a fact about the store at that moment, not something a later step undoes.
 */
export const applyAlertVerdictStep = createStep("waas-apply-alert-verdict", async (input: AlertSource, { container }) => {
  const alerts = container.resolve<WaasModuleService>(WAAS_MODULE).alerts()
  let changes: AlertChanges
  if (input.source === "evaluate") changes = await alerts.evaluate()
  else if (input.source === "refill") changes = await alerts.observeRefill(input.report)
  else changes = await alerts.observeReconciliation(input.day, input.status, input.breaks)
  return new StepResponse(changes)
})
