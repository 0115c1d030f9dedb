import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../modules/waas"
import type WaasModuleService from "../modules/waas/service"
import type { RefillReport } from "../modules/waas/pool/refill"
import { runAlerts } from "../workflows/alerts/runners/run-alerts"

/**
 * Keeps every enabled coin's deposit-address pool at or above its watermark, so checkout never has to
 * wait on the WaaS. Safe to overlap (the module serialises runs with an advisory lock) and to interrupt
 * (the next run completes what this one left unfinished).
 */
export default async function refillAddressPoolJob(container: MedusaContainer): Promise<RefillReport> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const report = await waas.refillPool()
  if (report.skipped !== undefined) {
    logger.info(`medusa-plugin-waas: address pool refill skipped: ${report.skipped}`)
    return report
  }
  const summary = report.coins
    .map((c) => `${c.symbol} ${c.before}→${c.after} (+${c.added}${c.errors.length ? `, ${c.errors.length} error(s)` : ""})`)
    .join(", ")
  const failed = report.coins.some((c) => c.errors.length > 0)
  const line = `medusa-plugin-waas: address pool refill: ${summary}; WaaS users ${report.users.count}/${report.users.cap}`
  if (failed) logger.warn(line)
  else logger.info(line)
  // a coin still below its watermark after the run raises "pool low"; one refilled resolves it
  await runAlerts(container, { source: "refill", report })
  return report
}

export const config = {
  name: "waas-refill-address-pool",
  schedule: "*/5 * * * *",
}
