/**
 * Checks at boot that the store's medusa-config wires the provider to the plugin's module, so a mistake stops
 * the application with the fix in one sentence instead of failing the first checkout with a 500. Pure: it
 * reads the loaded config module (`configManager.config`), passed in.
 */
export const MISSING_DEPENDENCY =
  'medusa-plugin-waas: the "waas" payment provider cannot reach the "waas" module. In medusa-config, add ' +
  'dependencies: ["waas"] to the payment module entry: { resolve: "@medusajs/medusa/payment", dependencies: ["waas"], ' +
  'options: { providers: [{ resolve: "medusa-plugin-waas/providers/waas", id: "waas" }] } }'

export const MISSING_MODULE =
  'medusa-plugin-waas: the "waas" payment provider is registered but the plugin is not. In medusa-config, add ' +
  'plugins: [{ resolve: "medusa-plugin-waas", options: { … } }] (or register its module "medusa-plugin-waas/modules/waas")'

type ModuleEntry = { resolve?: unknown; dependencies?: unknown; disable?: unknown } | boolean | undefined
export type WiringConfig = {
  modules?: Record<string, ModuleEntry>
  plugins?: Array<string | { resolve?: unknown }>
}

const PLUGIN_NAME = "medusa-plugin-waas"

/** null when the wiring is right; else the one-sentence fix */
export function wiringProblem(config: WiringConfig): string | null {
  const modules = config.modules ?? {}
  const plugins = (config.plugins ?? []).map((p) => (typeof p === "string" ? p : String(p.resolve ?? "")))
  const waas = modules.waas
  const moduleRegistered = (waas !== undefined && waas !== false && !(typeof waas === "object" && waas.disable)) || plugins.includes(PLUGIN_NAME)
  if (!moduleRegistered) return MISSING_MODULE
  const payment = modules.payment
  const dependencies = typeof payment === "object" && Array.isArray(payment.dependencies) ? payment.dependencies : []
  if (!dependencies.includes("waas")) return MISSING_DEPENDENCY
  return null
}
