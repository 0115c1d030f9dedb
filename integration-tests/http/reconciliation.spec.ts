import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import type { Event, IEventBusModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { runDueReconciliations } from "../../src/workflows/reconciliation/runners/run-reconciliation"
import { rows, waitFor } from "../helpers/deposits"
import { clearOfReconcileTick, dayIn, finishedRun, parseCsv, reconcileDay } from "../helpers/reconciliation"
import { reconciliationStore, SETTLE_DELAY_MINUTES, SYMBOL, useReconciliationWaas, ZONE } from "../helpers/reconciliation-store"

jest.setTimeout(240_000)

/**
 * The daily reconciliation end to end: a real Medusa with the plugin, the WaaS simulator over HTTP, the business
 * day in Asia/Shanghai. Runs are started through the admin API (a rerun of a day) or the job's runner, and read
 * back through the admin API, as the admin screens do.
 */
const REPO_ROOT = join(__dirname, "..", "..")
const w = useReconciliationWaas()

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: (ctx) => {
    const s = reconciliationStore(ctx, w)
    const events: Array<Record<string, unknown>> = []
    const today = () => dayIn(ZONE, new Date())

    beforeAll(() => {
      ctx.getContainer().resolve<IEventBusModuleService>(Modules.EVENT_BUS).subscribe(
        "waas.reconciliation.completed",
        async (e: Event) => void events.push(e.data as Record<string, unknown>),
        { subscriberId: "reconciliation-spec" },
      )
    })

    it("a day where the WaaS, the ledger and Medusa agree is balanced, with exact counts and sums per coin for the three sides", async () => {
      const order = await s.paidOrder()
      await s.refunded(order.orderId, "10")
      const { run, breaks } = await reconcileDay(s.admin, today())
      expect(breaks).toEqual([])
      expect(run).toMatchObject({ status: "balanced", failure_reason: null, time_zone: ZONE, day: today(), break_counts: { total: 0 } })
      expect(run.progress).toMatchObject({ phase: "done", percent: 100 })
      expect(run.progress.records_compared).toBeGreaterThan(0)
      expect(run.totals).toEqual([
        {
          kind: "deposit", symbol: SYMBOL,
          waas: { count: 1, sum: "35.000501", other_count: 0 }, ledger: { count: 1, sum: "35.000501", other_count: 0 },
          medusa: { count: 1, sums: { usd: "34.99" } },
        },
        {
          // 10 USD at the locked rate, rounded down (10.003), plus the 3 USDT service fee the merchant bears
          kind: "withdrawal", symbol: SYMBOL,
          waas: { count: 1, sum: "13.003", other_count: 0 }, ledger: { count: 1, sum: "13.003", other_count: 0 },
          medusa: { count: 1, sums: { usd: "10" } },
        },
        {
          kind: "miner_fee", symbol: SYMBOL,
          waas: { count: 1, sum: "35.000501", other_count: 0 }, ledger: { count: 0, sum: "0", other_count: 0 },
          medusa: { count: 0, sums: {} },
        },
      ])
      expect(run.fees).toEqual({
        collection_miner_fees: { ETH: "0.00065" },
        withdrawal_service_fees: { USDTERC20: "3" },
        withdrawal_miner_fees: { ETH: "0.0012" },
        commission: {},
      })
      // the window is the day's midnight to the next in Asia/Shanghai (UTC+8)
      expect(run.window_start).toBe(new Date(Date.parse(`${today()}T00:00:00.000Z`) - 8 * 3_600_000).toISOString())
      await waitFor("the completed event", () => events.find((e) => e.run_id === run.id))
      expect(events.find((e) => e.run_id === run.id)).toEqual({
        run_id: run.id, day: today(), status: "balanced", failure_reason: null, break_counts: { total: 0, open: 0, healed: 0, by_type: {} },
      })

      // fees per order: the collection fee of the deposit it swept, the refund's service and miner fees
      const fees = await s.admin("GET", `/admin/waas/orders/${order.orderId}/fees`)
      expect(fees.body).toMatchObject({
        order_id: order.orderId,
        deposits: [{ waas_deposit_id: String(order.depositId), amount: "35.000501", collection_fee: { fee: "0.00065", fee_symbol: "ETH" } }],
        withdrawals: [{ amount: "13.003", service_fee: "3", service_fee_symbol: "USDTERC20", miner_fee: "0.0012", miner_fee_symbol: "ETH" }],
        totals: { ETH: "0.00185", USDTERC20: "3" },
      })

      // the list of days shows the run as the latest of its day
      const list = await s.admin("GET", `/admin/waas/reconciliation/runs?from=${today()}&to=${today()}`)
      expect(list.body).toMatchObject({ time_zone: ZONE, days: [{ day: today(), run: { id: run.id, status: "balanced" } }], totals: { runs: 1, balanced: 1 } })
    })

    it("a deposit the plugin never heard of (no callback, poller behind) is healed: the order ends paid, the break healed, a rerun balanced", async () => {
      const order = await s.placeOrder()
      const quiet = w.sim().control.quietDeposit({ address: order.payment.address, amount: order.payment.amount_due, symbol: SYMBOL })
      expect(await s.waas().retrievePaymentBySession(order.sessionId)).toMatchObject({ status: "awaiting_payment" })

      const first = await reconcileDay(s.admin, today())
      expect(first.run.status).toBe("breaks")
      expect(first.breaks).toHaveLength(1)
      expect(first.breaks[0]).toMatchObject({
        type: "missing_in_ledger", kind: "deposit", waas_id: String(quiet.id), status: "healed", ledger_value: null,
        waas_value: { amount: order.payment.amount_due, status: 1, symbol: SYMBOL, address_to: order.payment.address },
      })
      expect(first.breaks[0].healed_action).toContain("deposit workflow")
      expect(first.run.break_counts).toMatchObject({ total: 1, healed: 1, open: 0 })
      const paid = await s.captured(order.sessionId)
      expect(paid.status).toBe("paid")
      const [medusaOrder] = await rows<{ status: string }>(s.db(), `SELECT status FROM payment_collection pc JOIN order_payment_collection opc ON opc.payment_collection_id = pc.id WHERE opc.order_id = ?`, [order.orderId])
      expect(medusaOrder.status).toBe("completed")

      const second = await reconcileDay(s.admin, today())
      expect(second.run).toMatchObject({ status: "balanced", attempt: first.run.attempt + 1 })
      // the first run is never edited: it still says what it found
      const again = await finishedRun(s.admin, first.run.id)
      expect(again.run.status).toBe("breaks")
      expect(again.breaks[0].status).toBe("healed")
    })

    it("records at 23:59:59.999 and 00:00:00.000 in Asia/Shanghai fall in the right days", async () => {
      const day = today()
      const yesterday = new Date(Date.parse(`${day}T00:00:00.000Z`) - 86_400_000).toISOString().slice(0, 10)
      const midnight = Date.parse(`${day}T00:00:00.000Z`) - 8 * 3_600_000 // today 00:00:00.000 in UTC+8
      const address = await s.freeAddress()
      const before = w.sim().control.quietDeposit({ address, amount: "1.5", symbol: SYMBOL, createdAt: midnight - 1 })
      const after = w.sim().control.quietDeposit({ address, amount: "2.5", symbol: SYMBOL, createdAt: midnight })

      const late = await reconcileDay(s.admin, yesterday)
      const early = await reconcileDay(s.admin, day)
      expect(late.breaks.map((b) => [b.type, b.waas_id, b.status])).toEqual([["missing_in_ledger", String(before.id), "healed"]])
      expect(early.breaks.map((b) => [b.type, b.waas_id, b.status])).toEqual([["missing_in_ledger", String(after.id), "healed"]])
      // each day's WaaS side holds its own deposit and the collection fee of its sweep
      const deposit = (r: typeof late) => r.run.totals.find((t) => t.kind === "deposit")!.waas
      const sweeps = (r: typeof late) => r.run.totals.find((t) => t.kind === "miner_fee")!.waas
      expect([deposit(late), deposit(early)]).toEqual([{ count: 1, sum: "1.5", other_count: 0 }, { count: 1, sum: "2.5", other_count: 0 }])
      expect([sweeps(late).count, sweeps(early).count]).toEqual([1, 1])
      // the healed deposits are in the ledger now (orphans: nobody's payment held the address); both days balance
      expect((await reconcileDay(s.admin, yesterday)).run.status).toBe("balanced")
      expect((await reconcileDay(s.admin, day)).run.status).toBe("balanced")
    })

    it("the WaaS unreachable during a run: failed (never balanced) with the reason, and the job's next tick runs the day again", async () => {
      // the plugin's reconciliation began two due days ago: the job owes it the last day whose settle delay has
      // passed and the day before. Counted back from now less the settle delay, so that just after midnight (in
      // ZONE) the day that has only just closed is not expected yet. The test plays the job's ticks itself, so
      // the scheduled tick (and the settle delay's end, also on a quarter hour) must not fall inside it
      await clearOfReconcileTick()
      const installed = new Date(Date.now() - SETTLE_DELAY_MINUTES * 60_000 - 2 * 86_400_000)
      await s.db().raw(
        `INSERT INTO waas_sync_cursor (id, name, max_id, created_at, updated_at) VALUES ('wcur_test_installed', 'reconciliation:installed', '0', ?, now())
         ON CONFLICT (name) WHERE deleted_at IS NULL DO UPDATE SET created_at = EXCLUDED.created_at`,
        [installed],
      )
      const first = dayIn(ZONE, installed)
      w.sim().control.setFaults({ endpoints: { syncDepositList: { httpStatus: { status: 503 } } } })
      const down = await runDueReconciliations(ctx.getContainer())
      expect(down.runs.map((r) => [r.day, r.status])).toEqual([[first, "failed"]])
      expect(down.runs[0].failure_reason).toMatch(/WaaS/)
      const failed = await finishedRun(s.admin, down.runs[0].id)
      expect(failed.run).toMatchObject({ status: "failed", break_counts: { total: 0 } })

      w.sim().control.clearFaults()
      const up = await runDueReconciliations(ctx.getContainer())
      const second = dayIn(ZONE, new Date(installed.getTime() + 86_400_000))
      expect(up.runs.map((r) => [r.day, r.status, r.attempt])).toEqual([[first, "balanced", 2], [second, "balanced", 1]])
      // nothing is due any more: today has not closed
      expect((await runDueReconciliations(ctx.getContainer())).runs).toEqual([])
      await waitFor("the failed run's event", () => events.find((e) => e.run_id === down.runs[0].id))
      expect(events.find((e) => e.run_id === down.runs[0].id)).toMatchObject({ status: "failed", day: first })
    })

    it("rerunning a day gives the same result and changes nothing in the ledger; the CSV export equals the API's data", async () => {
      const order = await s.paidOrder()
      await s.paidOrder()
      // the WaaS reports another amount for the first deposit than it did to us: a break an admin must look at
      w.sim().control.editRecord("deposit", order.depositId, { amount: "35.5" })
      const first = await reconcileDay(s.admin, today())
      const ledgerBefore = await s.ledger()
      const second = await reconcileDay(s.admin, today())
      expect(await s.ledger()).toEqual(ledgerBefore)
      const view = (r: typeof first) => ({ status: r.run.status, totals: r.run.totals, fees: r.run.fees, breaks: r.breaks.map(({ id, run_id, created_at, ...b }) => b) })
      expect(view(second)).toEqual(view(first))
      expect(first.breaks.map((b) => [b.type, b.waas_id, b.waas_value?.amount, b.ledger_value?.amount])).toEqual([
        ["amount_mismatch", String(order.depositId), "35.5", "35.000501"],
      ])

      const csv = await s.admin("GET", `/admin/waas/reconciliation/days/${today()}/export`)
      expect(csv.status).toBe(200)
      expect(csv.type).toContain("text/csv")
      const lines = parseCsv(csv.text)
      const breakLines = lines.filter((l) => l.line === "break")
      expect(breakLines.map((l) => ({ id: l.waas_id, type: l.type, waas: l.waas_amount, ledger: l.ledger_amount, run: l.run_id }))).toEqual(
        second.breaks.map((b) => ({ id: b.waas_id, type: b.type, waas: String(b.waas_value?.amount), ledger: String(b.ledger_value?.amount), run: second.run.id })),
      )
      const matched = lines.filter((l) => l.line === "matched" && l.kind === "deposit")
      const deposits = second.run.totals.find((t) => t.kind === "deposit")!
      expect(matched).toHaveLength(deposits.waas.count)
      const [orderRow] = await rows<{ display_id: number }>(s.db(), `SELECT display_id FROM "order" WHERE id = ?`, [order.orderId])
      expect(matched.find((l) => l.waas_id === String(order.depositId))).toMatchObject({
        order_id: order.orderId, order_display_id: String(orderRow.display_id), waas_amount: "35.5", ledger_amount: "35.000501",
        // the deposit's fiat value at the payment's locked rate, exact
        rate: "0.9997", fiat_amount: "35.48935", currency_code: "usd",
      })
      const range = await s.admin("GET", `/admin/waas/reconciliation/export?from=${today()}&to=${today()}`)
      expect(range.text).toBe(csv.text)

      // an admin's decision is kept with who and when; a rerun carries it onto the same break
      const b = second.breaks[0]
      const ack = await s.admin("POST", `/admin/waas/reconciliation/breaks/${b.id}/acknowledge`, { note: "asked ChainUp's support" })
      expect(ack.status).toBe(200)
      expect(ack.body).toMatchObject({ break: { status: "acknowledged", note: "asked ChainUp's support" } })
      expect((await s.admin("POST", `/admin/waas/reconciliation/breaks/${b.id}/acknowledge`, { note: "again" })).status).toBe(409)
      expect((await s.admin("POST", `/admin/waas/reconciliation/breaks/${b.id}/resolve`, {})).status).toBe(400)
      const third = await reconcileDay(s.admin, today())
      expect(third.breaks[0]).toMatchObject({ type: "amount_mismatch", status: "acknowledged", note: "asked ChainUp's support", carried_from: b.id })
    })
  },
})
