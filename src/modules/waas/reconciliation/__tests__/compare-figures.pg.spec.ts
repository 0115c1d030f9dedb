import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { WAAS_MODULE } from "../.."
import type { DepositRecord } from "../../../../protocol"
import type WaasModuleService from "../../service"
import { depositRecord } from "../../__tests__/support/deposit-record"
import { testOptions } from "../../__tests__/support/fixtures"
import { recordingLogger } from "../../__tests__/support/logger"
import { seedPool } from "../../__tests__/support/seed"

jest.setTimeout(60_000)

/**
 * The totals come out of the compare's own pass (pass-sql.ts): what compare() returns with its breaks are the
 * day's exact figures, the same as the passes read again without breaks, and a ledger row whose WaaS record lies
 * in another day counts in that day only (on both sides), never as a break of its own day.
 */
const log = recordingLogger()
const DAY_MS = 86_400_000

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, "..", ".."),
  moduleOptions: testOptions({ reconciliation: { timeZone: "Asia/Shanghai" } }) as unknown as Record<string, unknown>,
  testSuite: ({ service }) => {
    const recon = () => service.reconciliation()
    const dayOf = (t: number) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(t))

    async function credited(tag: string): Promise<DepositRecord> {
      await seedPool(service, "USDTERC20", 1, tag)
      const p = await service.createPaymentForSession({ session_id: `payses_${tag}`, amount: 30, currency_code: "usd", symbol: "USDTERC20" })
      const record = depositRecord(p)
      await service.applyDeposit(record, "callback")
      return record
    }

    async function mirror(records: DepositRecord[]) {
      await recon().mirror.ingestPage("deposit", "0", recon().mirror.parse("deposit", records))
    }

    it("the compare returns the day's figures with its breaks, equal to the totals read again; a record of another day counts there", async () => {
      const a = await credited("fig-a")
      const b = await credited("fig-b")
      const moved = await credited("fig-moved")
      const createdAt = Number(moved.created_at)
      const today = dayOf(createdAt)
      const earlier = createdAt - DAY_MS
      const unknown = depositRecord({ address: "0x" + "5".repeat(40), symbol: "USDTERC20", amount_due: "7" })
      // the WaaS reports b with another amount, a deposit we never heard of, and `moved` as created the day before
      await mirror([a, { ...b, amount: "31.5" }, unknown, { ...moved, created_at: earlier, updated_at: earlier }])

      const run = await recon().beginRun(today, "admin", "user_test")
      const compared = await recon().compare(run)
      expect(compared.breaks).toBe(2)
      const { breaks } = await recon().listBreaks(run.id, {}, { limit: 100, offset: 0 })
      expect(breaks.map((x) => [x.type, x.waas_id]).sort()).toEqual(
        [["amount_mismatch", String(b.id)], ["missing_in_ledger", String(unknown.id)]].sort(),
      )
      const deposit = compared.totals.find((t) => t.kind === "deposit")
      expect(deposit).toEqual({
        kind: "deposit", symbol: "USDTERC20",
        waas: { count: 3, sum: "68.5", other_count: 0 },
        ledger: { count: 2, sum: "60", other_count: 0 },
        medusa: { count: 0, sums: {} },
      })
      expect(await recon().totals(run)).toEqual({ totals: compared.totals, fees: compared.fees })
      // the run finishes with the compare's figures: nothing was healed since
      expect(await recon().figuresAtFinish(run, compared)).toBe(compared)

      const before = await recon().beginRun(dayOf(earlier), "admin", "user_test")
      const prior = await recon().compare(before)
      expect(prior.breaks).toBe(0)
      expect(prior.totals.find((t) => t.kind === "deposit")).toMatchObject({ waas: { count: 1, sum: "30" }, ledger: { count: 1, sum: "30" } })
    })
  },
})
