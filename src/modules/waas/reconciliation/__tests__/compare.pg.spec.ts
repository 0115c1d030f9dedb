import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { WAAS_MODULE } from "../.."
import type { DepositRecord } from "../../../../protocol"
import type WaasModuleService from "../../service"
import { depositRecord } from "../../__tests__/support/deposit-record"
import { testOptions } from "../../__tests__/support/fixtures"
import { recordingLogger } from "../../__tests__/support/logger"
import { seedPool } from "../../__tests__/support/seed"
import type { RunRow } from "../runs-sql"

jest.setTimeout(60_000)

/**
 * The compare on real Postgres, with the WaaS's records given as values (the HTTP specs drive the same SQL
 * through the simulator): every WaaS ↔ ledger break type of a deposit once, with both sides' values; a day's
 * window in a zone; the totals; a finished run never edited and a rerun a new attempt.
 */
const log = recordingLogger()
const DAY_MS = 86_400_000

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, "..", ".."),
  moduleOptions: testOptions({ reconciliation: { timeZone: "Asia/Shanghai" } }) as unknown as Record<string, unknown>,
  testSuite: ({ service, MikroOrmWrapper }) => {
    const recon = () => service.reconciliation()
    const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date())

    /** a paid payment: its deposit credited in the ledger; returns the WaaS record as the ledger pulled it */
    async function credited(tag: string): Promise<DepositRecord> {
      await seedPool(service, "USDTERC20", 1, tag)
      const p = await service.createPaymentForSession({ session_id: `payses_${tag}`, amount: 30, currency_code: "usd", symbol: "USDTERC20" })
      const record = depositRecord(p)
      await service.applyDeposit(record, "callback")
      return record
    }

    async function mirror(records: DepositRecord[]) {
      const page = recon().mirror.parse("deposit", records)
      await recon().mirror.ingestPage("deposit", "0", page)
    }

    async function run(day = today()): Promise<{ run: RunRow; breaks: Awaited<ReturnType<ReturnType<typeof recon>["listBreaks"]>>["breaks"] }> {
      const r = await recon().beginRun(day, "admin", "user_test")
      await recon().compare(r)
      const { totals, fees } = await recon().totals(r)
      const { count } = await recon().listBreaks(r.id, {}, { limit: 1, offset: 0 })
      const finished = await recon().finish(r, { status: count ? "breaks" : "balanced", totals, fees, progress: r.progress })
      const { breaks } = await recon().listBreaks(r.id, {}, { limit: 100, offset: 0 })
      return { run: finished!, breaks }
    }

    it("a day whose records agree is balanced, with per-coin totals for both sides", async () => {
      const a = await credited("bal-a")
      const b = await credited("bal-b")
      await mirror([a, b])
      const { run: r, breaks } = await run()
      expect(breaks).toEqual([])
      expect(r.status).toBe("balanced")
      const deposit = (r.totals as Array<{ kind: string }>).find((t) => t.kind === "deposit")
      expect(deposit).toMatchObject({ symbol: "USDTERC20", waas: { count: 2, sum: "60" }, ledger: { count: 2, sum: "60" } })
      expect(r.break_counts).toMatchObject({ total: 0 })
    })

    it("each WaaS ↔ ledger break of a deposit, once, with both sides' values", async () => {
      const amount = await credited("amt")
      const status = await credited("sts")
      const symbol = await credited("sym")
      const address = await credited("adr")
      const gone = await credited("gone")
      const dup = await credited("dup")
      const unknown = depositRecord({ address: "0x" + "9".repeat(40), symbol: "USDTERC20", amount_due: "7" })
      await mirror([
        { ...amount, amount: "31.5" },
        { ...status, status: 2 },
        { ...symbol, symbol: "ETH" },
        { ...address, address_to: "0x" + "8".repeat(40) },
        dup,
        { ...dup, id: dup.id + 1_000_000 },
        unknown,
      ])
      const { run: r, breaks } = await run()
      const seen = breaks.map((b) => [b.type, b.waas_id]).sort()
      expect(seen).toEqual(
        [
          ["amount_mismatch", String(amount.id)],
          ["status_mismatch", String(status.id)],
          ["symbol_mismatch", String(symbol.id)],
          ["address_mismatch", String(address.id)],
          ["missing_at_waas", String(gone.id)],
          ["duplicate", String(dup.id + 1_000_000)],
          ["missing_in_ledger", String(dup.id + 1_000_000)],
          ["missing_in_ledger", String(unknown.id)],
        ].sort(),
      )
      const byType = (t: string, id: number) => breaks.find((b) => b.type === t && b.waas_id === String(id))!
      expect(byType("amount_mismatch", amount.id)).toMatchObject({ waas_value: { amount: "31.5" }, ledger_value: { amount: "30", status: "credited" } })
      expect(byType("status_mismatch", status.id)).toMatchObject({ waas_value: { status: 2 }, ledger_value: { status: "credited", waas_status: 1 } })
      expect(byType("missing_at_waas", gone.id)).toMatchObject({ waas_value: null, ledger_value: { amount: "30" } })
      expect(byType("duplicate", dup.id + 1_000_000).waas_value).toMatchObject({ duplicate_of: String(dup.id) })
      expect(r.status).toBe("breaks")
      expect(r.break_counts).toMatchObject({ total: 8, open: 8, by_type: { missing_in_ledger: 2 } })
    })

    it("the day is its zone's: a record at 23:59:59.999 belongs to that day, one at 00:00:00.000 to the next", async () => {
      const day = today()
      const midnight = Date.parse(`${day}T00:00:00.000Z`) - 8 * 3_600_000
      const before = depositRecord({ address: "0x" + "7".repeat(40), symbol: "USDTERC20", amount_due: "1" }, { created_at: midnight - 1, updated_at: midnight - 1 })
      const after = depositRecord({ address: "0x" + "7".repeat(40), symbol: "USDTERC20", amount_due: "2" }, { created_at: midnight, updated_at: midnight })
      await mirror([before, after])
      const yesterday = new Date(Date.parse(`${day}T00:00:00.000Z`) - DAY_MS).toISOString().slice(0, 10)
      const late = await run(yesterday)
      const early = await run(day)
      expect(late.breaks.map((b) => b.waas_id)).toEqual([String(before.id)])
      expect(early.breaks.map((b) => b.waas_id)).toEqual([String(after.id)])
      expect(late.run.window_end.toISOString()).toBe(new Date(midnight).toISOString())
    })

    it("pages shared by the pollers fill the mirror; its cursor moves only while the mirror has every record up to it", async () => {
      const m = recon().mirror
      const at = (id: number, amount: string) => depositRecord({ address: "0x" + "6".repeat(40), symbol: "USDTERC20", amount_due: amount }, { id })
      const cursor = async () => (await service.listSyncCursors({ name: "mirror:deposits" }))[0]?.max_id
      await m.ingestPage("deposit", "0", m.parse("deposit", [at(5_000_001, "1"), at(5_000_002, "2")]))
      expect(await cursor()).toBe("5000002")
      // a poller ahead of the mirror: its page is stored, the cursor stays (a gap before it)
      await m.ingestPage("deposit", "5000010", m.parse("deposit", [at(5_000_011, "3")]))
      expect(await cursor()).toBe("5000002")
      // a page that closes the gap moves it; an older page never moves it back, and an older answer changes nothing
      await m.ingestPage("deposit", "5000002", m.parse("deposit", [at(5_000_003, "4")]))
      expect(await cursor()).toBe("5000003")
      await m.ingestPage("deposit", "0", m.parse("deposit", [{ ...at(5_000_001, "9"), updated_at: 1 }]))
      expect(await cursor()).toBe("5000003")
      const rows = (await MikroOrmWrapper.forkManager().execute(
        `SELECT waas_id, amount FROM waas_mirror_record WHERE waas_id IN ('5000001', '5000011') ORDER BY waas_id`,
      )) as Array<{ waas_id: string; amount: string }>
      expect(rows.map((r) => [r.waas_id, r.amount])).toEqual([["5000001", "1"], ["5000011", "3"]])
    })

    it("a rerun is a new attempt with the same result; the first run stays as it was", async () => {
      const a = await credited("rerun")
      await mirror([{ ...a, amount: "29" }])
      const first = await run()
      const second = await run()
      expect(second.run.attempt).toBe(first.run.attempt + 1)
      const strip = (bs: typeof first.breaks) => bs.map(({ id, run_id, created_at, ...b }) => b)
      expect(strip(second.breaks)).toEqual(strip(first.breaks))
      expect((await recon().getRun(first.run.id))?.status).toBe("breaks")
      // finished: nothing writes it again
      expect(await recon().finish(first.run, { status: "balanced", progress: first.run.progress })).toBeNull()
    })
  },
})
