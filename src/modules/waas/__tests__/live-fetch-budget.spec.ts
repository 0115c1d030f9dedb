import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import type { SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import { takeLiveFetchSlot } from "../pool/live-fetch-budget"
import { AccountProvisioner } from "../pool/provisioner"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import { testOptions } from "./support/fixtures"
import { plannedSimulator } from "./support/simulator"
import { recordingLogger } from "./support/logger"

jest.setTimeout(90_000)

const waas = plannedSimulator()
const BUDGET = 3

beforeAll(async () => {
  await waas.start()
})
afterAll(async () => {
  await waas.stop()
})

const log = recordingLogger()

/**
 * Live address fetches at checkout (pool empty) against the real simulator: bounded by a budget per minute
 * kept in the database (so every instance shares it), and each fetched address reserved for the checkout
 * that fetched it.
 */
moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions({
    waasHost: waas.url,
    waasPublicKey: waas.walletPublicKey,
    liveFetchTimeoutMs: 5_000,
    liveFetchBudgetPerMinute: BUDGET,
  }) as unknown as Record<string, unknown>,
  testSuite: ({ service, MikroOrmWrapper }) => {
    const knex = () => (MikroOrmWrapper.forkManager() as SqlEntityManager).getKnex()
    const users = () => waas.sim.control.getState().users.length
    const checkout = (session_id: string, symbol = "ETH") =>
      service.createPaymentForSession({ session_id, amount: 30, currency_code: "usd", symbol })
    const provisioner = () =>
      new AccountProvisioner({ db: knex(), client: () => service.getClient(), now: () => new Date(), emailDomain: "waas-pool.invalid", userCap: 1000 })

    it("stops fetching live at the budget: the checkouts past it fail clearly, without calling the WaaS", async () => {
      const before = users()
      const results: PromiseSettledResult<unknown>[] = []
      for (let i = 0; i < 5; i++) {
        results.push(await checkout(`payses_seq${i}`).then((value) => ({ status: "fulfilled" as const, value }), (reason) => ({ status: "rejected" as const, reason })))
      }
      const ok = results.filter((r) => r.status === "fulfilled")
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected")
      expect(ok).toHaveLength(BUDGET)
      expect(users() - before).toBe(BUDGET)
      expect(failed).toHaveLength(2)
      for (const f of failed) {
        expect(f.reason).toMatchObject({ name: "NoDepositAddressError", code: "waas_no_deposit_address" })
        expect(String(f.reason.message)).toBe(
          `no deposit address available right now for ETH: the address pool is empty and this store's live address fetches are used up (${BUDGET} a minute); try again in a minute`,
        )
      }
      // nothing half-made: the refused checkouts wrote no payment and no registration intent
      expect(await service.listCryptoPayments({}, { take: 50 })).toHaveLength(BUDGET)
      expect(await service.listWaasAccounts({}, { take: 50 })).toHaveLength(BUDGET)
    })

    it("a burst of 12 concurrent checkouts on an empty pool registers exactly the budget, each address going to its fetcher", async () => {
      const before = users()
      const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => checkout(`payses_burst${i}`)))
      const ok = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []))
      expect(users() - before).toBe(BUDGET)
      expect(ok).toHaveLength(BUDGET)
      for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "waas_no_deposit_address" })
      expect(new Set(ok.map((p) => p.address)).size).toBe(BUDGET)
    })

    it("the budget is counted in the database under a lock: concurrent takers never exceed it", async () => {
      // ten open connections first, so the ten takers really run side by side (not one by one while the
      // pool opens connections): without the lock they would all count 0 and all insert
      await Promise.all(Array.from({ length: 10 }, () => knex().raw("SELECT pg_sleep(0.05)")))
      const now = new Date()
      const taken = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          takeLiveFetchSlot(knex(), { now, budgetPerMinute: BUDGET, symbol: "ETH", sessionId: `payses_slot${i}` }),
        ),
      )
      expect(taken.filter(Boolean)).toHaveLength(BUDGET)
      // a minute later the budget is there again
      const later = new Date(now.getTime() + 60_001)
      expect(await takeLiveFetchSlot(knex(), { now: later, budgetPerMinute: BUDGET, symbol: "ETH", sessionId: "payses_later" })).toBe(true)
      // a budget of 0 never allows a live fetch
      expect(await takeLiveFetchSlot(knex(), { now: later, budgetPerMinute: 0, symbol: "ETH", sessionId: "payses_zero" })).toBe(false)
    })

    it("an address fetched live is reserved for the checkout that fetched it; another checkout never takes it", async () => {
      const reservedUntil = new Date(Date.now() + 60_000)
      const fetched = await provisioner().provisionNew("ETH", { sessionId: "payses_fetcher", until: reservedUntil })

      // another checkout on the (otherwise empty) pool does not take it: it fetches its own
      const other = await checkout("payses_other")
      expect(other.pool_address_id).not.toBe(fetched.addressId)
      const [stored] = await service.listPoolAddresses({ id: fetched.addressId })
      expect(stored).toMatchObject({ status: "available", reserved_for: "payses_fetcher" })
      // the fetcher's checkout gets exactly the address it fetched, with no second fetch
      const usersBefore = users()
      const mine = await checkout("payses_fetcher")
      expect(mine.pool_address_id).toBe(fetched.addressId)
      expect(users()).toBe(usersBefore)
      expect((await service.listPoolAddresses({ id: fetched.addressId }))[0]).toMatchObject({ status: "assigned", reserved_for: null })
    })

    it("a reservation whose checkout never came back lapses: the address serves the next checkout", async () => {
      const lapsed = await provisioner().provisionNew("ETH", { sessionId: "payses_crashed", until: new Date(Date.now() - 1) })
      const usersBefore = users()
      const next = await checkout("payses_next")
      expect(next.pool_address_id).toBe(lapsed.addressId)
      expect(users()).toBe(usersBefore)
    })
  },
})
