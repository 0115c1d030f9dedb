import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../modules/waas"
import type WaasModuleService from "../modules/waas/service"

/**
 * Address upkeep: addresses whose payment's monitoring window is over go into quarantine (or retire, with
 * addressReuse "never"); addresses whose quarantine is over return to the pool.
 */
export default async function releaseCooledAddressesJob(
  container: MedusaContainer,
): Promise<{ cooling: number; retired: number; available: number }> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  // once shutdown has begun the job starts nothing (the connection pool is about to go away)
  const run = await waas.runUnlessShuttingDown(() => waas.releaseCooledAddresses())
  if (!run.ran) return { cooling: 0, retired: 0, available: 0 }
  const result = run.value
  if (result.cooling + result.retired + result.available > 0) {
    container
      .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .info(
        `medusa-plugin-waas: addresses to quarantine ${result.cooling}, retired ${result.retired}, back in the pool ${result.available}`,
      )
  }
  return result
}

export const config = {
  name: "waas-release-cooled-addresses",
  schedule: "*/5 * * * *",
}
