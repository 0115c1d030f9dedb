import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import { z } from "@medusajs/framework/zod"
import { rows, waitFor } from "../helpers/deposits"
import { dayIn, finishedRun, reconcileDay, Run } from "../helpers/reconciliation"
import { reconciliationStore, SHOPPER, SYMBOL, useReconciliationWaas, ZONE } from "../helpers/reconciliation-store"

jest.setTimeout(240_000)

/**
 * The admin lists that must not cut anything off or fan out into many requests: the reconciliation trend (the
 * 30-day chart's data in one request and one query), a run's progress while it runs (the simulator holds one of
 * its sync answers back, so the run stays in its fetching phase), and the Refunds tab's groups, filtered and
 * paged by the API. A real Medusa with the plugin and the WaaS simulator over HTTP.
 */
const REPO_ROOT = join(__dirname, "..", "..")
const w = useReconciliationWaas()

const TrendDay = z.object({
  day: z.string(),
  run: z.object({ id: z.string(), attempt: z.number(), status: z.string() }).strict().nullable(),
  coins: z.array(z.object({ symbol: z.string(), volume_in: z.string(), volume_out: z.string(), deposits: z.number(), withdrawals: z.number() }).strict()),
  open_breaks: z.number(),
})
const Trend = z.object({ time_zone: z.string(), from: z.string(), to: z.string(), days: z.array(TrendDay) }).strict()
const Listed = z.object({
  withdrawals: z.array(z.looseObject({ id: z.string(), status: z.string(), created_at: z.string(), failure_code: z.string().nullable() })),
  count: z.number(),
  limit: z.number(),
  offset: z.number(),
})
const Groups = z.object({ groups: z.array(z.object({ id: z.string(), statuses: z.array(z.string()), count: z.number() })) })

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: (ctx) => {
    const s = reconciliationStore(ctx, w)
    const today = () => dayIn(ZONE, new Date())
    const before = (n: number) => new Date(Date.parse(`${today()}T00:00:00.000Z`) - n * 86_400_000).toISOString().slice(0, 10)
    const trend = async (query: string) => {
      const r = await s.admin("GET", `/admin/waas/reconciliation/trend${query}`)
      if (r.status !== 200) throw new Error(`trend${query}: ${r.status} ${r.text}`)
      return Trend.parse(r.body)
    }

    it("the trend: every day of the range with its standing run, per-coin volume in and out from the run's totals, and the breaks open now", async () => {
      const order = await s.paidOrder()
      await s.refunded(order.orderId, "10")
      // three days back and today's first attempt: the WaaS down, the runs failed (no totals)
      w.sim().control.setFaults({ endpoints: { syncDepositList: { httpStatus: { status: 503 } } } })
      const failed = await reconcileDay(s.admin, before(3))
      const failedToday = await reconcileDay(s.admin, today())
      expect([failed.run.status, failedToday.run.status]).toEqual(["failed", "failed"])
      w.sim().control.clearFaults()
      // the WaaS says another amount for the deposit than it told us (before the mirror first reads it): today's
      // rerun has an open break, and stands
      w.sim().control.editRecord("deposit", order.depositId, { amount: "35.5" })
      const quiet = await reconcileDay(s.admin, before(1))
      const broken = await reconcileDay(s.admin, today())
      expect(broken.run).toMatchObject({ status: "breaks", attempt: failedToday.run.attempt + 1, break_counts: { open: 1 } })

      const t = await trend(`?from=${before(4)}&to=${today()}`)
      expect(t).toMatchObject({ time_zone: ZONE, from: before(4), to: today() })
      expect(t.days.map((d) => d.day)).toEqual([4, 3, 2, 1, 0].map(before))
      const at = (day: string) => t.days.find((d) => d.day === day)!
      expect(at(before(4))).toEqual({ day: before(4), run: null, coins: [], open_breaks: 0 })
      expect(at(before(3))).toEqual({ day: before(3), run: { id: failed.run.id, attempt: failed.run.attempt, status: "failed" }, coins: [], open_breaks: 0 })
      expect(at(before(2)).run).toBeNull()
      expect(at(before(1))).toMatchObject({ run: { id: quiet.run.id, status: quiet.run.status }, open_breaks: 0 })
      // today: the standing run is the rerun, its volumes are its totals' WaaS side, exactly
      const sideOf = (kind: string) => broken.run.totals.find((x) => x.kind === kind && x.symbol === SYMBOL)!.waas
      expect(at(today())).toEqual({
        day: today(),
        run: { id: broken.run.id, attempt: broken.run.attempt, status: "breaks" },
        coins: [{ symbol: SYMBOL, volume_in: sideOf("deposit").sum, volume_out: sideOf("withdrawal").sum, deposits: sideOf("deposit").count, withdrawals: sideOf("withdrawal").count }],
        open_breaks: 1,
      })
      expect(at(today()).coins[0]).toMatchObject({ volume_in: "35.5", volume_out: "13.003" })

      // breaks open now, not the run's snapshot: acknowledged, the day has none open
      const ack = await s.admin("POST", `/admin/waas/reconciliation/breaks/${broken.breaks[0].id}/acknowledge`, { note: "the WaaS corrected it" })
      expect(ack.status).toBe(200)
      expect((await trend(`?from=${today()}&to=${today()}`)).days).toEqual([{ ...at(today()), open_breaks: 0 }])

      // the default range is the 30 days up to today in the zone
      const d = await trend("")
      expect(d.days).toHaveLength(30)
      expect([d.from, d.to, d.days[29].day]).toEqual([before(29), today(), today()])
    })

    it("the trend's query is validated: a day that is no day, from after to, more than 366 days, an unknown parameter", async () => {
      const bad: Array<[string, RegExp]> = [
        ["?from=2026-02-30", /from must be a day/],
        ["?to=26-01-01", /to must be a day/],
        [`?from=${today()}&to=${before(1)}`, /from must not be after to/],
        [`?from=${before(366)}&to=${today()}`, /at most 366 days/],
        ["?days=30", /days/],
      ]
      for (const [q, message] of bad) {
        const r = await s.admin("GET", `/admin/waas/reconciliation/trend${q}`)
        expect([q, r.status]).toEqual([q, 400])
        expect((r.body as { message: string }).message).toMatch(message)
      }
      expect((await s.admin("GET", `/admin/waas/reconciliation/trend?from=${before(365)}&to=${today()}`)).status).toBe(200)
    })

    it("a run held in its fetching phase shows its progress in the API while it runs, then its result", async () => {
      await s.paidOrder()
      // the miner-fee sync is the last of the three: deposits and withdrawals are paged when it waits
      w.sim().control.setFaults({ endpoints: { syncMinerFeeList: { delay: { ms: 4_000, times: 1 } } } })
      const started = await s.admin("POST", `/admin/waas/reconciliation/days/${today()}/rerun`)
      expect(started.status).toBe(202)
      const { run } = z.object({ run: Run }).parse(started.body)
      expect(run).toMatchObject({ status: "running", progress: { phase: "fetching", percent: 0 } })
      const held = await waitFor("the run past its deposit and withdrawal pages", async () => {
        const r = z.object({ run: Run }).parse((await s.admin("GET", `/admin/waas/reconciliation/runs/${run.id}`)).body).run
        if (r.status !== "running") throw new Error(`the run finished (${r.status}) before it was seen waiting`)
        // both kinds paged (the withdrawals' page is saved a moment before the kind's share of the bar)
        return r.progress.pages_fetched >= 2 && r.progress.percent > 13 ? r : null
      }, { timeoutMs: 30_000, intervalMs: 100 })
      expect(held.progress).toMatchObject({ phase: "fetching", percent: 27, records_compared: 0 })
      // the list of days shows the same run running, with the same progress
      const list = await s.admin("GET", `/admin/waas/reconciliation/runs?from=${today()}&to=${today()}`)
      expect(list.body).toMatchObject({ days: [{ run: { id: run.id, status: "running", progress: held.progress } }], totals: { running: 1 } })
      const done = await finishedRun(s.admin, run.id)
      expect(done.run).toMatchObject({ status: "balanced", progress: { phase: "done", percent: 100 } })
      expect(done.run.progress.pages_fetched).toBeGreaterThanOrEqual(3)
      expect(w.sim().control.getFaults()).toEqual({})
    })

    it("the Refunds tab's groups: filtered and paged by the API with their totals, and counted for every group", async () => {
      const { orderId } = await s.paidOrder()
      const request = async (fiat: string, reason: string) => {
        const r = await s.asRequester("POST", "/admin/waas/withdrawals", { source: "payment", order_id: orderId, fiat_amount: fiat, reason, destination: { address: SHOPPER } })
        if (r.status !== 201) throw new Error(`refund request: ${r.status} ${r.text}`)
        return z.object({ withdrawal: z.object({ id: z.string(), request_id: z.string() }) }).parse(r.body).withdrawal
      }
      const completed = await s.refunded(orderId, "10")
      const waiting = [await request("3", "first"), await request("3", "second"), await request("3", "third")]
      const rejected = await request("3", "to reject")
      expect((await s.admin("POST", `/admin/waas/withdrawals/${rejected.id}/reject`, { reason: "not returned" })).status).toBe(200)
      const failing = await request("3", "to fail")
      w.sim().control.setFaults({ endpoints: { withdraw: { plaintextError: { times: 1, code: "120402", msg: "refused" } } } })
      expect((await s.admin("POST", `/admin/waas/withdrawals/${failing.id}/approve`, {})).status).toBe(200)
      await waitFor("the refused refund failed", async () => (await rows<{ status: string }>(s.db(), `SELECT status FROM waas_withdrawal WHERE id = ?`, [failing.id]))[0]?.status === "failed")

      const groups = Groups.parse((await s.admin("GET", "/admin/waas/withdrawals/groups")).body).groups
      expect(groups.map((g) => [g.id, g.count])).toEqual([["waiting", 3], ["in_flight", 0], ["failed", 1], ["completed", 1], ["closed", 1]])
      // every status in exactly one group, and the counts equal the table's
      expect(groups.flatMap((g) => g.statuses).sort()).toEqual(["approved", "canceled", "completed", "failed", "rejected", "requested", "submitted", "submitting"])
      const byStatus = await rows<{ status: string; n: string }>(s.db(), `SELECT status, count(*) AS n FROM waas_withdrawal WHERE deleted_at IS NULL GROUP BY status`)
      for (const g of groups) expect(g.count).toBe(byStatus.filter((r) => g.statuses.includes(r.status)).reduce((n, r) => n + Number(r.n), 0))

      // a group two at a time: the pages add up to the group, newest first, nothing lost or repeated
      const list = async (q: string) => Listed.parse((await s.admin("GET", `/admin/waas/withdrawals?${q}`)).body)
      const first = await list("group=waiting&limit=2&offset=0")
      const second = await list("group=waiting&limit=2&offset=2")
      expect([first.count, second.count, first.withdrawals.length, second.withdrawals.length]).toEqual([3, 3, 2, 1])
      expect([...first.withdrawals, ...second.withdrawals].map((x) => x.id)).toEqual(waiting.map((x) => x.id).reverse())
      expect([...first.withdrawals, ...second.withdrawals].every((x) => x.status === "requested")).toBe(true)
      expect((await list("group=closed")).withdrawals.map((x) => [x.id, x.status])).toEqual([[rejected.id, "rejected"]])
      expect((await list("group=failed")).withdrawals.map((x) => [x.id, x.failure_code])).toEqual([[failing.id, "120402"]])
      expect((await list("group=completed")).withdrawals.map((x) => x.id)).toEqual([completed.withdrawalId])
      expect(await list("group=in_flight")).toMatchObject({ withdrawals: [], count: 0 })
      // the order's own list (the order widget) is unchanged, and counted too
      expect((await list(`order_id=${orderId}&limit=200`)).count).toBe(6)

      for (const q of ["group=everything", "group=waiting&status=requested", "group=waiting&limit=0"]) {
        const r = await s.admin("GET", `/admin/waas/withdrawals?${q}`)
        expect([q, r.status]).toEqual([q, 400])
      }
    })
  },
})
