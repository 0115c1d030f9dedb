/**
 * Boots the waas module in this process the way Medusa does (MedusaApp, loaders included), with the plugin
 * options from env WAAS_BOOT_OPTIONS; prints "booted: <coins>" and exits 0, or lets the boot failure end the
 * process as it would end a store's. Run by boot-options.pg.spec.ts through `node -r scripts/ts-register.cjs`.
 */
import path from "node:path"
import { initModules } from "@medusajs/test-utils"

async function main(): Promise<void> {
  const options = JSON.parse(process.env.WAAS_BOOT_OPTIONS ?? "{}") as Record<string, unknown>
  const app = await initModules({
    databaseConfig: { clientUrl: process.env.DATABASE_URL! },
    modulesConfig: { waas: { resolve: path.join(__dirname, "../.."), options } },
  })
  const coins = app.medusaApp.modules.waas.listEnabledCoins() as Array<{ symbol: string }>
  process.stdout.write(`booted: ${coins.map((c) => c.symbol).join(",")}\n`)
  await app.shutdown()
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  },
)
