import type { LoaderOptions } from "@medusajs/framework/types"
import { parseWaasOptions } from "../options"

/**
 * Runs at boot, before anything resolves the service: a bad option stops the application with a message
 * that names it, instead of failing at the first checkout.
 */
export default async function validateWaasOptions({ options }: LoaderOptions): Promise<void> {
  parseWaasOptions(options)
}
