import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import type { SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import { WAAS_MODULE } from ".."
import type { Notification } from "../../../protocol"
import { readCursor } from "../deposits/cursor-sql"
import type { PulledDeposit } from "../deposits/pulled-deposit"
import { depositSyncStart } from "../deposits/sync-start-sql"
import type WaasModuleService from "../service"
import { depositRecord } from "./support/deposit-record"
import { testOptions } from "./support/fixtures"
import { recordingLogger } from "./support/logger"
import { seedPool } from "./support/seed"

jest.setTimeout(60_000)

const log = recordingLogger()

/**
 * Sync without repeats (issue 11, item 3) on real Postgres: the one query that tells which records of a sync page
 * the ledger already holds unchanged, and where a new install's sync cursor starts.
 */
moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions() as unknown as Record<string, unknown>,
  testSuite: ({ service, MikroOrmWrapper }) => {
    const knex = () => (MikroOrmWrapper.forkManager() as SqlEntityManager).getKnex()
    const asPulled = (record: ReturnType<typeof depositRecord>): PulledDeposit => ({ kind: "record", record })

    it("passes over exactly the records whose facts the ledger holds as they are, compared on every fact", async () => {
      await seedPool(service, "USDTERC20", 3)
      const [a, b, c] = await Promise.all(
        ["payses_s1", "payses_s2", "payses_s3"].map((session_id) => service.createPaymentForSession({ session_id, amount: 25, currency_code: "usd" })),
      )
      const credited = depositRecord(a)
      const pending = depositRecord(b, { status: 0, confirmations: 1 })
      const parked = depositRecord(c, { status: 3 })
      await service.applyDeposit(credited, "callback")
      await service.applyDeposit(pending, "callback")
      await expect(service.applyDeposit(parked, "callback")).rejects.toThrow(/status 3/)
      await service.parkDeposit(asPulled(parked), "callback", "the WaaS reports status 3")
      const unknown = depositRecord(a)

      const same = await service.listAppliedUnchangedDeposits(
        [credited, pending, parked, unknown].map(asPulled).concat({ kind: "unreadable", waas_deposit_id: "5", raw: { id: 5 }, problems: ["amount"] }),
      )
      // the credited and the pending deposit as applied; never the parked one, a deposit not in the ledger, an unreadable row
      expect([...same].sort()).toEqual([String(credited.id), String(pending.id)].sort())

      // any fact that moved makes it a record to apply again
      const moved = await service.listAppliedUnchangedDeposits([
        asPulled({ ...credited, confirmations: credited.confirmations + 1 }),
        asPulled({ ...pending, status: 1 }),
        asPulled({ ...credited, updated_at: Number(credited.updated_at) + 1000 }),
        asPulled({ ...pending, amount: "24.5" }),
        asPulled({ ...pending, txid: "0xother" }),
      ])
      expect(moved.size).toBe(0)
      expect(await service.listAppliedUnchangedDeposits([])).toEqual(new Set())
    })

    it("a new install's cursor starts after the highest deposit the ledger holds, never after an id only a callback named", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = await service.createPaymentForSession({ session_id: "payses_start", amount: 25, currency_code: "usd" })
      const low = depositRecord(p, { amount: "1" })
      const high = depositRecord(p, { amount: "2" })
      await service.applyDeposit(high, "callback")
      await service.applyDeposit(low, "callback")
      // a callback for an id the WaaS never confirmed (forged, say) is only a hint: it does not move the start
      await service.recordCallback({ side: "deposit", id: 9_000_000_000, uid: 1, symbol: "USDTERC20", amount: "1", address_to: p.address, status: 1 } as unknown as Notification)

      expect(await service.getDepositCursor()).toBe(String(high.id))
      // created once: later deposits, and later calls, leave it where it is (only the sync moves it)
      await service.applyDeposit(depositRecord(p, { amount: "3" }), "poll")
      await service.markDepositPollRun()
      expect(await service.getDepositCursor()).toBe(String(high.id))
    })

    it("depositSyncStartAfter, when set, is where the cursor starts; with nothing in the ledger and no option, at 0", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = await service.createPaymentForSession({ session_id: "payses_opt", amount: 25, currency_code: "usd" })
      expect(await readCursor(knex(), "test-empty", depositSyncStart(undefined))).toBe("0")
      await service.applyDeposit(depositRecord(p), "callback")
      expect(await readCursor(knex(), "test-option", depositSyncStart("42"))).toBe("42")
      expect(await readCursor(knex(), "test-history", depositSyncStart("0"))).toBe("0")
    })
  },
})
