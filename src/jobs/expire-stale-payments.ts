import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../modules/waas"
import type WaasModuleService from "../modules/waas/service"

/**
 * Marks crypto payments whose quote lifetime is over as expired. Their addresses stay with them until the
 * monitoring window ends (see release-cooled-addresses), so a late transfer is still attributed correctly.
 */
export default async function expireStalePaymentsJob(container: MedusaContainer): Promise<{ expired: number }> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  // once shutdown has begun the job starts nothing (the connection pool is about to go away)
  const run = await waas.runUnlessShuttingDown(() => waas.expireStalePayments())
  if (!run.ran) return { expired: 0 }
  const result = run.value
  if (result.expired > 0) {
    container.resolve<Logger>(ContainerRegistrationKeys.LOGGER).info(`medusa-plugin-waas: ${result.expired} crypto payment quote(s) expired`)
  }
  return result
}

export const config = {
  name: "waas-expire-stale-payments",
  schedule: "* * * * *",
}
