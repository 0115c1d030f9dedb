import fs from "node:fs"
import path from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import { Modules } from "@medusajs/framework/utils"
import { generateWaasKeyPair } from "../../src/protocol"
import { waasPluginOptions } from "../helpers/plugin-options"

/**
 * The harness itself: a whole Medusa boots from this repo's root medusa-config.ts with the plugin
 * loaded from src/, and the plugin's pieces that exist are really registered with the options the
 * test passed in WAAS_PLUGIN_OPTIONS.
 */
const ROOT = path.join(__dirname, "..", "..")
const HAS_MODULE = fs.existsSync(path.join(ROOT, "src/modules/waas/index.ts"))
const HAS_PROVIDER = fs.existsSync(path.join(ROOT, "src/providers/waas/index.ts"))

// The module validates its options at boot, so they must be complete. Nothing listens on port 9:
// nothing in this file should talk to the WaaS, and if something did, it would fail loudly.
const keys = generateWaasKeyPair()
const OPTIONS = waasPluginOptions(
  { url: "http://localhost:9", pathPrefix: "/api/v2", walletPublicKey: keys.publicKey },
  { appId: "health-check", merchantPrivateKey: keys.privateKey }
)
process.env.WAAS_PLUGIN_OPTIONS = JSON.stringify(OPTIONS)

storeIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    it("serves /health", async () => {
      const res = await api.get("/health")
      expect(res.status).toBe(200)
    })

    it("protects store routes with a publishable API key, and accepts a valid one", async () => {
      const denied = await api.get("/store/regions", { validateStatus: () => true })
      expect([400, 401]).toContain(denied.status)

      const apiKeys = getContainer().resolve(Modules.API_KEY)
      const [key] = await apiKeys.createApiKeys([{ title: "health", type: "publishable", created_by: "test" }])
      const allowed = await api.get("/store/regions", { headers: { "x-publishable-api-key": key.token } })
      expect(allowed.status).toBe(200)
      expect(allowed.data.regions).toEqual([])
    })

    ;(HAS_MODULE ? it : it.skip)("registers the waas module from src/ with the options from WAAS_PLUGIN_OPTIONS", async () => {
      const waas = getContainer().resolve("waas") as { listEnabledCoins(): Array<{ symbol: string }> }
      const symbols = waas.listEnabledCoins().map((c) => c.symbol)
      expect(symbols).toEqual(OPTIONS.coins.map((c: { symbol: string }) => c.symbol))
    })

    ;(HAS_PROVIDER ? it : it.skip)("registers the waas payment provider as pp_waas_waas", async () => {
      const payment = getContainer().resolve(Modules.PAYMENT)
      const providers = await payment.listPaymentProviders({ id: "pp_waas_waas" })
      expect(providers.map((p) => p.id)).toEqual(["pp_waas_waas"])
    })
  },
})
