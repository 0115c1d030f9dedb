import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import type { SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import { WAAS_MODULE } from ".."
import type { Notification } from "../../../protocol"
import { readCursor } from "../deposits/cursor-sql"
import type { PulledDeposit } from "../deposits/pulled-deposit"
import { depositRow } from "../reconciliation/mirror-rows"
import { upsertMirrorRows } from "../reconciliation/mirror-sql"
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

    it("the reconciliation mirror does not rewrite a page read again; a record whose facts moved is written", async () => {
      const p = { address: "0xmirror", symbol: "USDTERC20", amount_due: "5" }
      const page = [depositRecord(p), depositRecord(p, { amount: "6" }), depositRecord(p, { status: 0, confirmations: 1 })]
      const rowsOf = (records: typeof page) => records.map((r) => depositRow(r, 480))
      expect(await upsertMirrorRows(knex(), rowsOf(page))).toBe(3)
      expect(await upsertMirrorRows(knex(), rowsOf(page))).toBe(0)
      // the same updated_at with other facts, and a newer answer: both written; an older answer is not
      const [a, b, c] = page
      expect(await upsertMirrorRows(knex(), rowsOf([{ ...a, confirmations: 13 }, { ...c, updated_at: Number(c.updated_at) + 1000, status: 1 }]))).toBe(2)
      expect(await upsertMirrorRows(knex(), rowsOf([{ ...b, updated_at: Number(b.updated_at) - 1000, amount: "7" }]))).toBe(0)
      const stored = await knex().raw<{ rows: Array<{ waas_id: string; confirmations: number; status: number; amount: string }> }>(
        `SELECT waas_id, confirmations, status, amount FROM waas_mirror_record WHERE kind = 'deposit' ORDER BY waas_id`,
      )
      expect(stored.rows).toEqual([
        { waas_id: String(a.id), confirmations: 13, status: 1, amount: "5" },
        { waas_id: String(b.id), confirmations: 12, status: 1, amount: "6" },
        { waas_id: String(c.id), confirmations: 1, status: 1, amount: "5" },
      ])
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

      expect(await service.depositPoll().cursor()).toBe(String(high.id))
      // created once: later deposits, and later calls, leave it where it is (only the sync moves it)
      await service.applyDeposit(depositRecord(p, { amount: "3" }), "poll")
      await service.depositPoll().markRun()
      expect(await service.depositPoll().cursor()).toBe(String(high.id))
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
