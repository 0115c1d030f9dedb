import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../modules/waas"
import type WaasModuleService from "../modules/waas/service"
import { runDueReconciliations } from "../workflows/reconciliation/runners/run-reconciliation"

/**
 * The daily reconciliation. Medusa's cron runs in the server's local time and a business day is in the zone of
 * the `reconciliation.timeZone` option, so the job ticks every 15 minutes and reconciles every CLOSED day (its
 * end in that zone plus `settleDelayMinutes` has passed) that has no result yet (never run, or its latest run
 * failed: the WaaS unreachable is retried here), oldest first. Days before the first run are left alone unless
 * `firstDay` says otherwise or an admin reruns them.
 */
export default async function reconcileDaysJob(container: MedusaContainer): Promise<void> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  if (waas.isShuttingDown()) return
  const { skipped, runs } = await runDueReconciliations(container)
  if (skipped || runs.length === 0) return
  container
    .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
    .info(`medusa-plugin-waas: reconciled ${runs.map((r) => `${r.day} ${r.status}`).join(", ")}`)
}

export const config = {
  name: "waas-reconcile-days",
  schedule: "*/15 * * * *",
}
