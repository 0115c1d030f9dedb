import { configManager } from "@medusajs/framework/config"
import type { ModuleDeps } from "../module-context"
import type { RefillReport } from "./refill"

/**
 * The pool's first fill at boot. Without it a fresh store's pool stays empty until the first refill tick
 * (every 5 minutes), and every checkout meanwhile spends the live-fetch budget. Runs where the jobs run
 * (workerMode "shared" or "worker"; an HTTP-only "server" instance leaves it to the worker), never awaited:
 * boot does not wait on the WaaS, and a failure is a warning (the refill job tries again on its schedule).
 */
export function fillAtBoot(deps: ModuleDeps, refill: () => Promise<RefillReport>): void {
  const { options, logger } = deps
  if (!options.refillOnBoot || workerMode() === "server") return
  void refill()
    .then((report) => {
      if (report.skipped !== undefined) {
        logger.info(`medusa-plugin-waas: address pool fill at boot skipped: ${report.skipped}`)
        return
      }
      const summary = report.coins.map((c) => `${c.symbol} ${c.before}→${c.after}`).join(", ")
      const failed = report.coins.filter((c) => c.errors.length > 0)
      if (failed.length === 0) logger.info(`medusa-plugin-waas: address pool filled at boot: ${summary}`)
      else {
        logger.warn(
          `medusa-plugin-waas: address pool fill at boot: ${summary}; ${failed.map((c) => `${c.symbol}: ${c.errors[0]}`).join("; ")}. ` +
            "The refill job (every 5 minutes) tries again.",
        )
      }
    })
    .catch((e: unknown) => {
      logger.warn(
        `medusa-plugin-waas: address pool fill at boot failed (${e instanceof Error ? e.message : String(e)}); the refill job (every 5 minutes) tries again`,
      )
    })
}

function workerMode(): string {
  // outside a Medusa boot (a module test) there is no loaded config: behave as "shared"
  if (!configManager.baseDir) return "shared"
  return configManager.config.projectConfig?.workerMode ?? "shared"
}
