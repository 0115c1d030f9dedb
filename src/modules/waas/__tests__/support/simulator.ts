import { generateWaasKeyPair } from "../../../../protocol"
import { startSimulator, type WaasSimulator } from "../../../../../simulator"
import { APP_ID, MERCHANT_KEYS } from "./fixtures"
import { freePortSync } from "./free-port"

/**
 * A real WaaS simulator whose URL and wallet key are fixed when the test file loads (the module runner
 * needs the options then); `start()` in beforeAll, `stop()` in afterAll.
 */
export function plannedSimulator() {
  const port = freePortSync()
  const wallet = generateWaasKeyPair()
  let sim: WaasSimulator | undefined
  return {
    url: `http://127.0.0.1:${port}`,
    walletPublicKey: wallet.publicKey,
    async start(): Promise<WaasSimulator> {
      sim = await startSimulator({
        port,
        walletPrivateKey: wallet.privateKey,
        merchants: [{ appId: APP_ID, merchantPublicKey: MERCHANT_KEYS.publicKey }],
      })
      return sim
    },
    get sim(): WaasSimulator {
      if (!sim) throw new Error("simulator not started")
      return sim
    },
    async stop(): Promise<void> {
      await sim?.stop()
      sim = undefined
    },
  }
}
