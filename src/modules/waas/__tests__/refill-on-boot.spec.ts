import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import { testOptions } from "./support/fixtures"
import { recordingLogger } from "./support/logger"
import { plannedSimulator } from "./support/simulator"

jest.setTimeout(90_000)

/**
 * The pool's first fill at boot (refillOnBoot, on by default; the other specs turn it off): the module runner
 * starts the application before each test, like a store's boot, and the fill runs behind it against the
 * simulator, so the store's first checkout gets a pooled address without waiting for a refill tick.
 */
const waas = plannedSimulator()
const log = recordingLogger()

beforeAll(async () => {
  await waas.start()
})
afterAll(async () => {
  await waas.stop()
})

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions({
    waasHost: waas.url,
    waasPublicKey: waas.walletPublicKey,
    refillOnBoot: true,
    coins: [
      { symbol: "ETH", displayName: "Ether", network: "ethereum", decimals: 18, chainId: 1, poolLowWatermark: 3 },
      { symbol: "USDTERC20", displayName: "Tether", network: "ethereum", decimals: 6, chainId: 1, poolLowWatermark: 4 },
    ],
  }) as unknown as Record<string, unknown>,
  testSuite: ({ service }) => {
    it("fills the pool after the application starts, in the background; the first checkout then takes a pooled address", async () => {
      // the start hook returned before the WaaS answered: wait for the fill's own report line
      const deadline = Date.now() + 30_000
      while (!log.lines.info.some((m) => m.startsWith("medusa-plugin-waas: address pool filled at boot")) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(log.lines.info).toContain("medusa-plugin-waas: address pool filled at boot: ETH 0→3, USDTERC20 0→4")
      expect(await service.listPoolAddresses({ status: "available" }, { take: 100 })).toHaveLength(7)
      expect(waas.sim.control.getState().users).toHaveLength(7)

      log.clear()
      const payment = await service.createPaymentForSession({ session_id: "payses_first", amount: 50, currency_code: "usd", symbol: "USDTERC20" })
      const [address] = await service.listPoolAddresses({ id: payment.pool_address_id })
      expect(address).toMatchObject({ status: "assigned", crypto_payment_id: payment.id })
      // from the pool: no live fetch, so neither the "not filled yet" note nor the "ran dry" advice
      expect(log.lines.info.filter((m) => m.includes("not been filled yet"))).toEqual([])
      expect(log.lines.warn).toEqual([])
      expect(waas.sim.control.getState().users).toHaveLength(7)
    })
  },
})
