import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { ContainerRegistrationKeys, createMedusaContainer } from "@medusajs/framework/utils"
import { asValue } from "awilix"
import expireStalePaymentsJob from "../../../jobs/expire-stale-payments"
import pollDepositsJob from "../../../jobs/poll-deposits"
import refillAddressPoolJob from "../../../jobs/refill-address-pool"
import releaseCooledAddressesJob from "../../../jobs/release-cooled-addresses"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import { testOptions } from "./support/fixtures"
import { recordingLogger } from "./support/logger"
import { advisoryLockHolders, liveBackends, modulePool, moduleTestDbName, pooledBackendPids, waitUntil } from "./support/pg-probe"
import { plannedSimulator } from "./support/simulator"

jest.setTimeout(60_000)

/**
 * Medusa shuts down in this order (@medusajs/medusa, loaders/index.ts): every module's
 * onApplicationPrepareShutdown, then every module's onApplicationShutdown, then it destroys the shared
 * connection pool, which waits for the connections in use and refuses to hand out new ones. A run that is
 * still working then, and needs a connection, waits for the pool's acquire timeout. The pool here has a
 * short one, so such a wait shows up as knex's "Timeout acquiring a connection" instead of a stalled spec.
 */
const waas = plannedSimulator()
const db = modulePool({ acquireTimeoutMillis: 5_000 })
/** a second pool, to look at Postgres once the module's pool is gone */
const probe = modulePool()

beforeAll(async () => {
  await waas.start()
})
afterAll(async () => {
  await waas.stop()
  await probe.destroy()
})

const log = recordingLogger()

type Settled<T> = { value?: T; error?: unknown }

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger, [ContainerRegistrationKeys.PG_CONNECTION]: db },
  moduleName: WAAS_MODULE,
  dbName: moduleTestDbName(),
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions({
    waasHost: waas.url,
    waasPublicKey: waas.walletPublicKey,
    // only the shutdown ends the hanging registration below
    readTimeoutMs: 45_000,
    coins: [
      { symbol: "USDTERC20", displayName: "Tether", network: "ethereum", decimals: 6, chainId: 1, poolLowWatermark: 3 },
      { symbol: "BTC", displayName: "Bitcoin", network: "bitcoin", decimals: 8, poolLowWatermark: 3 },
    ],
  }) as unknown as Record<string, unknown>,
  testSuite: ({ service, medusaApp }) => {
    it("a shutdown while a refill and a poll hold their locks completes: the runs stop first, none waits for a connection, every session closes", async () => {
      const events: string[] = []
      const settle = <T>(name: string, p: Promise<T>): Promise<Settled<T>> =>
        p.then(
          (value) => (events.push(`${name} settled`), { value }),
          (error: unknown) => (events.push(`${name} settled`), { error }),
        )

      // a refill inside a WaaS call that never answers
      waas.sim.control.setFaults({ endpoints: { registerEmail: { hang: {} } } })
      const refill = settle("refill", service.refillPool())
      await waitUntil("the refill to reach its first registration", async () => {
        const r = await probe.raw<{ rows: Array<{ n: string }> }>(`SELECT count(*) AS n FROM waas_account WHERE status = 'pending_registration'`)
        return Number(r.rows[0].n) > 0
      })

      // a poll that works until it is told to stop, then makes its last query (as a poll's finally does);
      // without a stop signal it goes on until the pool is being torn down
      let pollInside!: () => void
      const inside = new Promise<void>((resolve) => (pollInside = resolve))
      let destroyBegins!: () => void
      const destroying = new Promise<void>((resolve) => (destroyBegins = resolve))
      const poll = settle(
        "poll",
        service.depositPoll().withLock(async (signal?: AbortSignal) => {
          pollInside()
          await Promise.race([stopped(signal), destroying])
          await service.depositPoll().cursor()
        }),
      )
      await inside

      const holders = (await advisoryLockHolders(probe)).map((h) => h.pid)
      expect(holders).toHaveLength(2)
      const sessions = [...pooledBackendPids(db), ...holders]

      await medusaApp.onApplicationPrepareShutdown()
      await medusaApp.onApplicationShutdown()
      events.push("modules shut down")
      destroyBegins()
      await db.destroy()
      events.push("pool destroyed")

      const [refilled, polled] = await Promise.all([refill, poll])
      // both runs ended before the pool was torn down, and neither query waited for a connection
      expect({ refill: refilled.error, poll: polled.error }).toEqual({ refill: undefined, poll: undefined })
      expect(events.slice(2)).toEqual(["modules shut down", "pool destroyed"])
      expect(polled.value).toBe(true)
      // the refill stopped at the aborted registration: no other coin was started
      expect(refilled.value?.coins.map((c) => [c.symbol, c.registered, c.errors.length])).toEqual([["USDTERC20", 0, 1]])
      expect(waas.sim.control.getState().users).toHaveLength(0)

      // no lock is left, and every session the module had is closed
      await waitUntil("the module's sessions to close", async () => (await liveBackends(probe, sessions)).length === 0)
      expect(await advisoryLockHolders(probe)).toEqual([])

      // jobs that fire once shutdown has begun do nothing (the pool is gone: a query would throw)
      const container = createMedusaContainer()
      container.register({ [WAAS_MODULE]: asValue(service), [ContainerRegistrationKeys.LOGGER]: asValue(log.logger) })
      expect(await refillAddressPoolJob(container)).toMatchObject({ skipped: "the application is shutting down", coins: [] })
      expect(await pollDepositsJob(container)).toMatchObject({ skipped: "the application is shutting down" })
      expect(await expireStalePaymentsJob(container)).toEqual({ expired: 0 })
      expect(await releaseCooledAddressesJob(container)).toEqual({ cooling: 0, retired: 0, available: 0 })
    })
  },
})

/** resolves once `signal` aborts; never without one */
function stopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return
    if (signal.aborted) resolve()
    else signal.addEventListener("abort", () => resolve(), { once: true })
  })
}
