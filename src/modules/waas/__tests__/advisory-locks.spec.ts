import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import { testOptions } from "./support/fixtures"
import { recordingLogger } from "./support/logger"
import {
  advisoryLockHolders,
  idleInTransaction,
  LockHolder,
  modulePool,
  moduleTestDbName,
  pooledBackendPids,
  waitUntil,
} from "./support/pg-probe"
import { plannedSimulator } from "./support/simulator"

jest.setTimeout(60_000)

/**
 * The refill and poll locks keep two instances from doing the same run at once. They must not park a pooled
 * connection in an open transaction for the run (at shutdown the pool then waits for it while the run waits
 * for the pool), and a holder that dies must free its lock.
 */
const waas = plannedSimulator()
const db = modulePool()

beforeAll(async () => {
  await waas.start()
})
afterAll(async () => {
  await waas.stop()
  await db.destroy()
})

const log = recordingLogger()

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger, [ContainerRegistrationKeys.PG_CONNECTION]: db },
  moduleName: WAAS_MODULE,
  dbName: moduleTestDbName(),
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions({
    waasHost: waas.url,
    waasPublicKey: waas.walletPublicKey,
    readTimeoutMs: 3_000,
    coins: [{ symbol: "USDTERC20", displayName: "Tether", network: "ethereum", decimals: 6, chainId: 1, poolLowWatermark: 2 }],
  }) as unknown as Record<string, unknown>,
  testSuite: ({ service }) => {
    afterEach(() => {
      waas.sim.control.clearFaults()
    })

    /** what a run sees about its own lock while it holds it */
    async function inspectLock() {
      const holders = await advisoryLockHolders(db)
      return { holders, pooled: pooledBackendPids(db), idleInTransaction: await idleInTransaction(db) }
    }

    function expectHeldOutsideThePool(seen: { holders: LockHolder[]; pooled: number[]; idleInTransaction: number[] }): void {
      expect(seen.holders).toHaveLength(1)
      const [holder] = seen.holders
      // a session of its own, not a pooled connection, and no transaction kept open for the run
      expect(seen.pooled).not.toContain(holder.pid)
      expect(holder).toMatchObject({ in_transaction: false })
      expect(seen.idleInTransaction).toEqual([])
    }

    it("a poll holds its lock on a session of its own, outside the pool and outside a transaction; a second poll is refused", async () => {
      let seen: Awaited<ReturnType<typeof inspectLock>> | undefined
      let second: boolean | undefined
      let secondRan = false
      const ran = await service.depositPoll().withLock(async () => {
        seen = await inspectLock()
        second = await service.depositPoll().withLock(async () => {
          secondRan = true
        })
      })
      expect(ran).toBe(true)
      expectHeldOutsideThePool(seen!)
      // the other instance's run: refused while the first holds the lock
      expect(second).toBe(false)
      expect(secondRan).toBe(false)
      expect(await advisoryLockHolders(db)).toEqual([])
    })

    it("a holder whose connection dies (a crashed instance) frees the lock for the next run", async () => {
      let next: boolean | undefined
      const first = await service.depositPoll().withLock(async () => {
        const [holder] = await advisoryLockHolders(db)
        await db.raw("SELECT pg_terminate_backend(?)", [holder.pid])
        await waitUntil("the killed holder's lock to go", async () => (await advisoryLockHolders(db)).length === 0)
        next = await service.depositPoll().withLock(async () => undefined)
      })
      expect(first).toBe(true)
      expect(next).toBe(true)
      expect(await advisoryLockHolders(db)).toEqual([])
    })

    it("a refill waiting on the WaaS holds its lock outside the pool; a concurrent refill is skipped", async () => {
      // the first registration gets no answer until the client gives up (readTimeoutMs)
      waas.sim.control.setFaults({ endpoints: { registerEmail: { hang: { times: 1 } } } })
      const running = service.refillPool()
      await waitUntil("the refill to take its lock", async () => (await advisoryLockHolders(db)).length > 0)
      // the refill is inside its WaaS call now (its registration is pending at the simulator): what
      // holds the lock is read here, while the run waits, not at the instant the lock was granted
      await waitUntil("the refill to reach its first registration", async () => (await pendingAccounts()) > 0)
      expectHeldOutsideThePool(await inspectLock())
      const second = await service.refillPool()
      expect(second.skipped).toBe("another refill run holds the lock")

      const report = await running
      expect(report.coins[0].errors).toHaveLength(1)
      expect(await advisoryLockHolders(db)).toEqual([])
    })

    async function pendingAccounts(): Promise<number> {
      const r = await db.raw<{ rows: Array<{ n: string }> }>(`SELECT count(*) AS n FROM waas_account WHERE status = 'pending_registration'`)
      return Number(r.rows[0].n)
    }
  },
})
