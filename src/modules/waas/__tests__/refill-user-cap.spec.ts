import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import { testOptions } from "./support/fixtures"
import { plannedSimulator } from "./support/simulator"
import { recordingLogger } from "./support/logger"

jest.setTimeout(60_000)

const waas = plannedSimulator()

beforeAll(async () => {
  await waas.start()
})
afterAll(async () => {
  await waas.stop()
})

const log = recordingLogger()

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions({
    waasHost: waas.url,
    waasPublicKey: waas.walletPublicKey,
    userCap: 10,
    coins: [
      { symbol: "ETH", displayName: "Ether", network: "ethereum", decimals: 18, poolLowWatermark: 8 },
      { symbol: "USDTERC20", displayName: "Tether", network: "ethereum", decimals: 6, poolLowWatermark: 5 },
    ],
    defaultCoin: "ETH",
  }) as unknown as Record<string, unknown>,
  testSuite: ({ service }) => {
    it("warns at 90 % of the WaaS user cap and stops registering at the cap", async () => {
      const report = await service.refillPool()
      const [eth, usdt] = report.coins
      expect(eth).toMatchObject({ symbol: "ETH", registered: 8, after: 8, errors: [] })
      expect(usdt).toMatchObject({ symbol: "USDTERC20", registered: 2, after: 2 })
      expect(usdt.errors).toEqual(["the WaaS user cap is reached (10 of 10 users registered); ask ChainUp to raise it and set the userCap option"])
      expect(report.users).toEqual({ count: 10, cap: 10 })

      expect(log.lines.warn.filter((m) => m.includes("of the WaaS user cap of 10 are used (≥ 90 %)"))).toHaveLength(1)
      expect(log.lines.warn.some((m) => m.includes("the WaaS user cap is reached") && m.includes("USDTERC20 pool is not refilled"))).toBe(true)
      // nothing was registered past the cap
      expect(await service.listWaasAccounts({}, { take: 100 })).toHaveLength(10)
      expect(waas.sim.control.getState().users).toHaveLength(10)
    })
  },
})
