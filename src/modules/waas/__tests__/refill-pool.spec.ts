import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { asValue } from "awilix"
import { createMedusaContainer, Modules } from "@medusajs/framework/utils"
import type { SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import refillAddressPoolJob, { config as refillJobConfig } from "../../../jobs/refill-address-pool"
import { insertPendingAccount } from "../pool/account-sql"
import { AccountProvisioner } from "../pool/provisioner"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import { testOptions } from "./support/fixtures"
import { plannedSimulator } from "./support/simulator"
import { recordingLogger } from "./support/logger"

jest.setTimeout(90_000)

const waas = plannedSimulator()

const options = testOptions({
  waasHost: waas.url,
  waasPublicKey: waas.walletPublicKey,
  readTimeoutMs: 1_500,
  liveFetchTimeoutMs: 5_000,
  coins: [
    // BTC: the batch size (2) is below the watermark (3), so one run cannot fill it
    { symbol: "BTC", displayName: "Bitcoin", network: "bitcoin", decimals: 8, poolLowWatermark: 3, poolBatchSize: 2 },
    { symbol: "ETH", displayName: "Ether", network: "ethereum", decimals: 18, chainId: 1, poolLowWatermark: 4 },
    { symbol: "USDTERC20", displayName: "Tether", network: "ethereum", decimals: 6, chainId: 1, poolLowWatermark: 5 },
    { symbol: "TRX", displayName: "Tron", network: "tron", decimals: 6, poolLowWatermark: 5, enabled: false },
  ],
})

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
  moduleOptions: options as unknown as Record<string, unknown>,
  testSuite: ({ service, MikroOrmWrapper }) => {
    /** our accounts must be exactly the WaaS users this test registered: nothing leaked, nothing twice */
    async function expectLedgerMatchesWaas(usersBefore: number): Promise<void> {
      const state = waas.sim.control.getState()
      const accounts = await service.listWaasAccounts({}, { take: 500 })
      expect(state.users.length - usersBefore).toBe(accounts.length)
      const waasUidByEmail = new Map(state.users.map((u) => [u.email, String(u.uid)]))
      for (const a of accounts) expect(a.uid).toBe(waasUidByEmail.get(a.email))
      const addresses = await service.listPoolAddresses({}, { take: 500 })
      const waasAddress = new Map(state.addresses.map((x) => [`${x.uid}/${x.symbol}`, x.address]))
      for (const x of addresses) expect(x.address).toBe(waasAddress.get(`${x.uid}/${x.symbol}`))
      expect(new Set(addresses.map((x) => x.account_id)).size).toBe(addresses.length)
    }

    afterEach(() => {
      waas.sim.control.clearFaults()
    })

    it("fills an empty pool to each coin's watermark from the real WaaS, one account per address", async () => {
      const usersBefore = waas.sim.control.getState().users.length
      const report = await service.refillPool()

      expect(report.skipped).toBeUndefined()
      const bySymbol = Object.fromEntries(report.coins.map((c) => [c.symbol, c]))
      expect(Object.keys(bySymbol).sort()).toEqual(["BTC", "ETH", "USDTERC20"])
      expect(bySymbol.ETH).toEqual({ symbol: "ETH", before: 0, registered: 4, recovered: 0, added: 4, after: 4, errors: [] })
      expect(bySymbol.USDTERC20).toMatchObject({ before: 0, registered: 5, added: 5, after: 5, errors: [] })
      // the batch size bounds one run
      expect(bySymbol.BTC).toMatchObject({ before: 0, registered: 2, added: 2, after: 2 })
      expect(report.users).toEqual({ count: 11, cap: 50_000 })

      const accounts = await service.listWaasAccounts({}, { take: 100 })
      expect(accounts.every((a) => a.status === "provisioned" && a.email.endsWith("@waas-pool.invalid"))).toBe(true)
      expect(accounts.every((a) => a.email.length <= 100)).toBe(true)
      // an ERC-20 token shares its chain's address per uid: dedicated accounts keep the two pools disjoint
      const eth = await service.listPoolAddresses({ symbol: "ETH" })
      const usdt = await service.listPoolAddresses({ symbol: "USDTERC20" })
      expect(eth.filter((a) => usdt.some((u) => u.address === a.address))).toEqual([])
      expect(await service.listPoolAddresses({ symbol: "TRX" })).toEqual([])
      await expectLedgerMatchesWaas(usersBefore)

      const second = await service.refillPool()
      expect(second.coins.map((c) => [c.symbol, c.registered, c.after])).toEqual([
        ["BTC", 1, 3],
        ["ETH", 0, 4],
        ["USDTERC20", 0, 5],
      ])
      await expectLedgerMatchesWaas(usersBefore)
    })

    it("two overlapping refills end with exactly the watermark and no duplicates", async () => {
      const usersBefore = waas.sim.control.getState().users.length
      const [a, b] = await Promise.all([service.refillPool({ symbols: ["USDTERC20"] }), service.refillPool({ symbols: ["USDTERC20"] })])
      // one run did the work, the other saw the lock
      expect([a.skipped, b.skipped].filter(Boolean)).toHaveLength(1)
      expect(await service.listPoolAddresses({ symbol: "USDTERC20", status: "available" })).toHaveLength(5)
      expect(await service.listWaasAccounts({ symbol: "USDTERC20" })).toHaveLength(5)
      await expectLedgerMatchesWaas(usersBefore)
    })

    it("without the lock, two workers completing the same account still make one user and one address", async () => {
      const usersBefore = waas.sim.control.getState().users.length
      const db = (MikroOrmWrapper.forkManager() as SqlEntityManager).getKnex()
      const provisioner = () =>
        new AccountProvisioner({ db, client: () => service.getClient(), now: () => new Date(), emailDomain: "waas-pool.invalid", userCap: 100 })
      const account = await insertPendingAccount(db, { email: "race@waas-pool.invalid", symbol: "BTC", now: new Date() })
      const results = await Promise.allSettled([provisioner().complete(account), provisioner().complete(account), provisioner().complete(account)])
      const ids = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<{ addressId: string }>).value.addressId)
      expect(ids.length).toBeGreaterThan(0)
      expect(new Set(ids).size).toBe(1)
      expect(await service.listPoolAddresses({ symbol: "BTC" })).toHaveLength(1)
      expect((await service.retrieveWaasAccount(account.id)).status).toBe("provisioned")
      await expectLedgerMatchesWaas(usersBefore)
    })

    it("resumes cleanly after the WaaS fails in the middle of a batch", async () => {
      const usersBefore = waas.sim.control.getState().users.length
      // the WaaS goes down once two users are registered (three more would fill the pool: ample slack for
      // the watcher's timer)
      const watcher = setInterval(() => {
        if (waas.sim.control.getState().users.length - usersBefore >= 2) {
          waas.sim.control.setFaults({ endpoints: { "*": { httpStatus: { status: 503 } } } })
          clearInterval(watcher)
        }
      }, 1)
      const first = await service.refillPool({ symbols: ["USDTERC20"] })
      clearInterval(watcher)
      const [coin] = first.coins
      expect(coin.errors.length).toBeGreaterThan(0)
      expect(coin.after).toBeLessThan(5)
      expect(coin.after).toBeGreaterThanOrEqual(1)

      waas.sim.control.clearFaults()
      const second = await service.refillPool({ symbols: ["USDTERC20"] })
      expect(second.coins[0].errors).toEqual([])
      expect(second.coins[0].after).toBe(5)
      const accounts = await service.listWaasAccounts({ symbol: "USDTERC20" })
      expect(accounts.every((a) => a.status === "provisioned")).toBe(true)
      expect(accounts).toHaveLength(5)
      await expectLedgerMatchesWaas(usersBefore)
    })

    it("recovers the uid by email when a registration went through but its answer was lost", async () => {
      const usersBefore = waas.sim.control.getState().users.length
      // registerEmail executes, then the connection drops; the fallback lookup fails too
      waas.sim.control.setFaults({
        endpoints: {
          registerEmail: { hang: { phase: "after", times: 1, ms: 10 } },
          userInfo: { httpStatus: { status: 503, times: 3 } },
        },
      })
      const first = await service.refillPool({ symbols: ["ETH"] })
      expect(first.coins[0]).toMatchObject({ registered: 0, added: 0, after: 0 })
      expect(first.coins[0].errors[0]).toMatch(/registerEmail/)
      const [pending] = await service.listWaasAccounts({ symbol: "ETH" })
      expect(pending).toMatchObject({ status: "pending_registration", uid: null, attempts: 1 })
      expect(pending.last_error).toMatch(/registerEmail/)
      // the WaaS did register it
      expect(waas.sim.control.getState().users.map((u) => u.email)).toContain(pending.email)

      const second = await service.refillPool({ symbols: ["ETH"] })
      expect(second.coins[0]).toMatchObject({ recovered: 1, registered: 3, added: 4, after: 4, errors: [] })
      const recovered = await service.retrieveWaasAccount(pending.id)
      expect(recovered.status).toBe("provisioned")
      await expectLedgerMatchesWaas(usersBefore)
    })

    it("runs as the scheduled job waas-refill-address-pool and logs what it did", async () => {
      const container = createMedusaContainer()
      const info = jest.fn()
      const warn = jest.fn()
      const error = jest.fn()
      // the job hands its report to the alerts workflow, which announces through Medusa's notification module and
      // event bus: recording stand-ins for those two of Medusa's modules (the alert itself is the module's, real)
      const notifications: Array<{ channel: string; data: { title: string } }> = []
      const events: Array<{ name: string }> = []
      container.register({
        [WAAS_MODULE]: asValue(service),
        logger: asValue({ info, warn, error }),
        [Modules.NOTIFICATION]: asValue({ createNotifications: async (n: typeof notifications) => notifications.push(...n) }),
        [Modules.EVENT_BUS]: asValue({ emit: async (e: typeof events) => events.push(...e), releaseGroupedEvents: async () => undefined, clearGroupedEvents: async () => undefined }),
      })
      expect(refillJobConfig).toEqual({ name: "waas-refill-address-pool", schedule: "*/5 * * * *" })
      const report = await refillAddressPoolJob(container)
      expect(report.coins.map((c) => c.after)).toEqual([2, 4, 5])
      expect(info).toHaveBeenCalledWith(
        "medusa-plugin-waas: address pool refill: BTC 0→2 (+2), ETH 0→4 (+4), USDTERC20 0→5 (+5); WaaS users 11/50000",
      )
      // BTC's batch (2) stays below its watermark (3): the one warning is that alert, raised and announced once
      expect(warn.mock.calls).toEqual([[expect.stringMatching(/^medusa-plugin-waas: alert raised: pool_low:BTC: /)]])
      expect(error).not.toHaveBeenCalled()
      expect(events.map((e) => e.name)).toEqual(["waas.alert.raised"])
      expect(notifications).toEqual([expect.objectContaining({ channel: "feed", data: expect.objectContaining({ title: "WaaS alert: pool low" }) })])
    })

    it("fetches an address live when the pool was never filled, without the advice meant for a pool that ran dry", async () => {
      log.clear()
      const payment = await service.createPaymentForSession({ session_id: "payses_live", amount: 50, currency_code: "usd", symbol: "ETH" })
      // a fresh store (its first fill still running, or the WaaS unreachable at boot): nothing to raise yet
      expect(log.lines.warn.filter((m) => m.includes("ran dry"))).toEqual([])
      expect(log.lines.info.some((m) => m.includes("the ETH address pool has not been filled yet"))).toBe(true)
      const [address] = await service.listPoolAddresses({ id: payment.pool_address_id })
      expect(address).toMatchObject({ status: "assigned", crypto_payment_id: payment.id, address: payment.address })
      const waasAddress = waas.sim.control.getState().addresses.find((a) => String(a.uid) === address.uid && a.symbol === "ETH")
      expect(waasAddress?.address).toBe(payment.address)
    })

    it("says the pool ran dry, with the advice, once a filled pool is used up", async () => {
      await service.refillPool({ symbols: ["ETH"] })
      for (let i = 0; i < 4; i++) {
        await service.createPaymentForSession({ session_id: `payses_pool_${i}`, amount: 50, currency_code: "usd", symbol: "ETH" })
      }
      expect(log.lines.warn.filter((m) => m.includes("ran dry"))).toEqual([])
      log.clear()
      await service.createPaymentForSession({ session_id: "payses_dry", amount: 50, currency_code: "usd", symbol: "ETH" })
      expect(log.lines.warn).toContain(
        "medusa-plugin-waas: the ETH address pool ran dry at checkout. Raise poolLowWatermark or run the refill more often.",
      )
    })
  },
})
