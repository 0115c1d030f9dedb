import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { AlertChanges } from "../../../modules/waas/alerts/alerts"
import type { AlertSource } from "../steps/apply-alert-verdict"
import { applyWaasAlertsWorkflow } from "../workflows/apply-alerts"

/** Runs the alert workflow for one source and logs each change; a failure is logged, never thrown at its caller. */
export async function runAlerts(container: MedusaContainer, input: AlertSource): Promise<AlertChanges | null> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  try {
    const { result } = await applyWaasAlertsWorkflow(container).run({ input })
    for (const a of result.raised) logger.warn(`medusa-plugin-waas: alert raised: ${a.key}: ${a.message}`)
    for (const a of result.resolved) logger.info(`medusa-plugin-waas: alert resolved: ${a.key}`)
    return result
  } catch (e) {
    logger.error(`medusa-plugin-waas: alerts (${input.source}) could not be evaluated: ${(e as Error).message}`)
    return null
  }
}
