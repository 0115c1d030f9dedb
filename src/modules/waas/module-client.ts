import type { Logger } from "@medusajs/framework/types"
import { WaasClient } from "../../client"
import type { WaasOptions } from "./options"

/** The module's WaaS client, built from its options; the only way the plugin reaches the WaaS. */
export function createModuleClient(o: WaasOptions, logger: Logger): WaasClient {
  return new WaasClient({
    host: o.waasHost,
    pathPrefix: o.pathPrefix,
    appId: o.appId,
    merchantPrivateKey: o.merchantPrivateKey,
    waasPublicKey: o.waasPublicKey,
    connectTimeoutMs: o.connectTimeoutMs,
    readTimeoutMs: o.readTimeoutMs,
    logger: { debug: (m) => logger.debug(m), warn: (m) => logger.warn(m) },
  })
}
