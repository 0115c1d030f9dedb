import fs from "node:fs"
import type { Browser } from "playwright-core"
import { z } from "@medusajs/framework/zod"
import { completeCart, prepareCart, startCryptoPaymentSession, Storefront } from "../helpers/storefront"
import { waitFor } from "../helpers/deposits"
import { launchBrowser, saveScreenshot } from "./support/browser"
import { startAdminStore, SYMBOL, type AdminStore } from "./support/admin-store"
import { open, saveTallScreenshot, signIn, type AdminSession } from "./support/admin-session"
import { REFILL_LOCK_KEY } from "../../src/modules/waas/pool/pool-upkeep"

jest.setTimeout(900_000)

/**
 * The admin screens in a real browser: a store started as a merchant runs it (medusa start, development mode,
 * the dashboard with the plugin's extensions), two admins signed in through the login form, Debian's Chromium.
 * Every screen's values are compared with the admin API's answer, and every action runs end to end and shows its
 * result without a reload. Screenshots of each screen go to .tmp/screenshots/admin-*.png.
 */
const SHOPPER = "0x52908400098527886E0F7030069857D2E4169EE7"

const Payment = z.object({
  crypto_payment: z.object({
    id: z.string(),
    status: z.string(),
    symbol: z.string(),
    network: z.string(),
    address: z.string(),
    amount_due: z.string(),
    amount_received: z.string(),
    amount_pending: z.string(),
    amount_remaining: z.string(),
    amount_excess: z.string(),
  }),
  deposits: z.array(z.object({ waas_deposit_id: z.string(), txid: z.string(), confirmations: z.number(), status: z.string(), amount: z.string() })),
})
const Withdrawal = z.object({ id: z.string(), status: z.string(), refund_amount: z.string(), symbol: z.string(), requested_by: z.string().nullable(), txid: z.string().nullable() })

describe("the admin in a browser", () => {
  let store: AdminStore
  let browser: Browser
  let clerk: AdminSession
  let treasurer: AdminSession
  let paidOrder: { id: string; display_id: number; sessionId: string }

  async function placeOrder() {
    const sf = new Storefront({ baseUrl: store.url, publishableKey: store.seeded.store.publishableKey })
    const { cart, paymentCollection } = await prepareCart(sf, { regionId: store.seeded.store.regionId, variantId: store.seeded.store.variantId })
    const started = await startCryptoPaymentSession(sf, paymentCollection.id, SYMBOL)
    const session = started.data.payment_collection.payment_sessions?.find((s) => s.provider_id === "pp_waas_waas")
    if (!session) throw new Error("no WaaS payment session")
    const completed = await completeCart(sf, cart.id)
    const view = await sf.get(`/store/waas/payments/${session.id}`, z.object({ payment: z.object({ address: z.string(), amount_due: z.string() }) }))
    return { id: completed.data.order.id, display_id: Number(completed.data.order.display_id), sessionId: session.id, ...view.data.payment }
  }

  async function paymentOf(orderId: string) {
    const { crypto_payments } = z.object({ crypto_payments: z.array(Payment) }).parse(await clerk.api(`/admin/waas/payments?order_id=${orderId}`))
    return crypto_payments[0]
  }

  const text = (s: AdminSession, testId: string) => s.page.getByTestId(testId).first().innerText()
  const clerkBearer = async () => {
    const r = await fetch(`${store.url}/auth/user/emailpass`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(store.admin) })
    return `Bearer ${((await r.json()) as { token: string }).token}`
  }

  beforeAll(async () => {
    store = await startAdminStore()
    browser = await launchBrowser()
    const order = await placeOrder()
    store.sim.control.chainDeposit({ address: order.address, amount: order.amount_due, symbol: SYMBOL })
    // the simulator confirms block by block and notifies; the plugin credits and captures
    clerk = await signIn(browser, store.url, store.admin)
    treasurer = await signIn(browser, store.url, store.approver)
    await waitFor("the order to be paid", async () => (await paymentOf(order.id)).crypto_payment.status === "paid", { timeoutMs: 120_000, intervalMs: 500 })
    paidOrder = order
  })

  afterAll(async () => {
    await browser?.close()
    await store?.stop()
  })

  it("the order widget shows the crypto payment exactly as the admin API gives it", async () => {
    await open(clerk, store.url, `/orders/${paidOrder.id}`, "waas-order-summary")
    await clerk.page.getByTestId("waas-order-widget").waitFor()
    const api = await paymentOf(paidOrder.id)
    const p = api.crypto_payment
    expect(await text(clerk, "waas-amount-due")).toBe(`${p.amount_due} ${p.symbol}`)
    expect(await text(clerk, "waas-amount-received")).toBe(`${p.amount_received} ${p.symbol}`)
    expect(await text(clerk, "waas-amount-remaining")).toBe(`${p.amount_remaining} ${p.symbol}`)
    expect(await text(clerk, "waas-amount-excess")).toBe(`${p.amount_excess} ${p.symbol}`)
    expect(await text(clerk, "waas-payment-coin")).toBe(`${p.symbol} on ${p.network}`)
    expect(await text(clerk, "waas-payment-address")).toBe(p.address)
    expect(await clerk.page.getByTestId("waas-payment-status").first().getAttribute("data-status")).toBe(p.status)
    const [d] = api.deposits
    const row = clerk.page.getByTestId(`waas-deposit-${d.waas_deposit_id}`)
    expect(await row.getByTestId("waas-deposit-txid").getAttribute("title")).toBe(d.txid)
    expect(await row.getByTestId("waas-deposit-confirmations").innerText()).toBe(String(d.confirmations))
    expect(await row.getByTestId("waas-deposit-amount").innerText()).toBe(`${d.amount} ${p.symbol}`)
    expect(await row.getByTestId("waas-deposit-status").getAttribute("data-status")).toBe(d.status)
    await saveTallScreenshot(clerk, "admin-order-widget")
  })

  it("a refund requested by one admin offers its requester no Approve; a second admin approves it and the widget shows it completed", async () => {
    const page = clerk.page
    await open(clerk, store.url, `/orders/${paidOrder.id}`, "waas-order-summary")
    await page.getByTestId("waas-refund-open").click()
    await page.getByTestId("waas-refund-amount").fill("10")
    await page.getByTestId("waas-refund-address").fill(SHOPPER.replace(/EE7$/, "Ee7"))
    await expect(waitFor("the bad checksum to be flagged", async () => (await text(clerk, "waas-refund-address-check")).includes("EIP-55"), { timeoutMs: 20_000 })).resolves.toBe(true)
    await page.getByTestId("waas-refund-address").fill(SHOPPER)
    await waitFor("the address to be accepted", async () => (await text(clerk, "waas-refund-address-check")).startsWith("A valid"), { timeoutMs: 20_000 })
    await page.getByTestId("waas-refund-reason").fill("one item returned")
    await saveScreenshot(page, "admin-refund-drawer")
    await page.getByTestId("waas-refund-submit").click()

    const { withdrawals } = z.object({ withdrawals: z.array(Withdrawal) }).parse(
      await waitFor("the refund request", async () => {
        const r = z.object({ withdrawals: z.array(Withdrawal) }).parse(await clerk.api(`/admin/waas/withdrawals?order_id=${paidOrder.id}`))
        return r.withdrawals.length ? r : null
      }),
    )
    const w = withdrawals[0]
    expect(w.status).toBe("requested")
    const row = page.getByTestId(`waas-refund-${w.id}`)
    await row.waitFor()
    expect(await row.getByTestId("waas-refund-amount").innerText()).toBe(`${w.refund_amount} ${w.symbol}`)
    expect(await row.getAttribute("data-status")).toBe("requested")
    // the requester sees Reject but no Approve
    await row.getByTestId("waas-refund-reject").waitFor()
    expect(await row.getByTestId("waas-refund-approve").count()).toBe(0)
    await saveTallScreenshot(clerk, "admin-refund-requested")

    await open(treasurer, store.url, `/orders/${paidOrder.id}`, "waas-order-summary")
    const theirRow = treasurer.page.getByTestId(`waas-refund-${w.id}`)
    await theirRow.getByTestId("waas-refund-approve").click()
    await waitFor("the approval to submit it", async () => ["submitted", "completed"].includes((await theirRow.getAttribute("data-status")) ?? ""), { timeoutMs: 60_000 })

    const { withdrawal } = z.object({ withdrawal: Withdrawal.extend({ request_id: z.string() }) }).parse(await treasurer.api(`/admin/waas/withdrawals/${w.id}`))
    store.sim.control.setWithdrawalOutcome(withdrawal.request_id, 5, { realFee: "0.00042" })
    // both admins' open pages move on by themselves (no reload)
    for (const s of [treasurer, clerk]) {
      await waitFor(`${s.who.email}'s widget to show the refund completed`, async () => (await s.page.getByTestId(`waas-refund-${w.id}`).getAttribute("data-status")) === "completed", { timeoutMs: 90_000, intervalMs: 500 })
    }
    const done = Withdrawal.parse((await treasurer.api<{ withdrawal: unknown }>(`/admin/waas/withdrawals/${w.id}`)).withdrawal)
    expect(done.status).toBe("completed")
    expect(await theirRow.getByTestId("waas-refund-txid").getAttribute("title")).toBe(done.txid)
    await saveTallScreenshot(treasurer, "admin-refund-completed")
  })

  it("Payments tab: the rows equal the API's list, and the search finds an order by its number", async () => {
    const awaiting = await placeOrder()
    await open(clerk, store.url, "/crypto-payments?tab=payments", "waas-payments-tab")
    const api = z.object({ crypto_payments: z.array(z.object({ id: z.string(), display_id: z.number().nullable(), status: z.string(), amount_due: z.string(), amount_received: z.string() })), count: z.number() }).parse(await clerk.api("/admin/waas/payments?limit=20"))
    const rows = clerk.page.locator('[data-testid="waas-payments-tab"] tbody tr')
    await waitFor("the table rows", async () => (await rows.count()) === api.crypto_payments.length)
    for (const [i, p] of api.crypto_payments.entries()) {
      const cells = await rows.nth(i).locator("td").allInnerTexts()
      expect(cells[0]).toBe(p.display_id == null ? "no order yet" : `#${p.display_id}`)
      expect(cells[4]).toBe(p.amount_due)
      expect(cells[5]).toBe(p.amount_received)
    }
    await saveTallScreenshot(clerk, "admin-tab-payments")
    await clerk.page.locator('[data-testid="waas-payments-tab"] input').first().fill(`#${awaiting.display_id}`)
    await waitFor("the search result", async () => (await rows.count()) === 1 && (await rows.first().locator("td").first().innerText()) === `#${awaiting.display_id}`)
    await rows.first().getByTestId("waas-payment-order-link").click()
    await clerk.page.getByTestId("waas-order-summary").waitFor({ timeout: 60_000 })
    expect(new URL(clerk.page.url()).pathname).toBe(`/app/orders/${awaiting.id}`)
  })

  it("Needs review: an orphaned deposit is attached to an order from the drawer, and the order is paid", async () => {
    const target = await placeOrder()
    const [free] = await store.sql<{ address: string }>(`SELECT address FROM waas_pool_address WHERE symbol = $1 AND status = 'available' AND deleted_at IS NULL LIMIT 1`, [SYMBOL])
    const deposit = store.sim.control.chainDeposit({ address: free.address, amount: target.amount_due, symbol: SYMBOL })
    const Queue = z.object({ deposits: z.array(z.object({ id: z.string(), waas_deposit_id: z.string(), status: z.string(), amount: z.string() })), count: z.number() })
    await waitFor("the orphan in the queue", async () => Queue.parse(await clerk.api("/admin/waas/orphans")).deposits.some((d) => d.waas_deposit_id === String(deposit.id)), { timeoutMs: 90_000, intervalMs: 500 })

    await open(clerk, store.url, "/crypto-payments?tab=review", "waas-review-tab")
    const queue = Queue.parse(await clerk.api("/admin/waas/orphans"))
    const row = clerk.page.getByTestId(`waas-review-${deposit.id}`)
    await row.waitFor()
    expect(await row.getByTestId("waas-review-amount").innerText()).toBe(`${queue.deposits.find((d) => d.waas_deposit_id === String(deposit.id))!.amount} ${SYMBOL}`)
    await saveTallScreenshot(clerk, "admin-tab-needs-review")

    await row.getByTestId("waas-attach-open").click()
    await clerk.page.getByTestId("waas-attach-search").fill(`#${target.display_id}`)
    const candidate = clerk.page.locator('[data-testid^="waas-attach-candidate-"]')
    await waitFor("the order among the candidates", async () => (await candidate.count()) === 1)
    await saveTallScreenshot(clerk, "admin-attach-drawer")
    await candidate.getByTestId("waas-attach-confirm").click()
    await row.waitFor({ state: "detached", timeout: 60_000 })
    await waitFor("the target order paid", async () => (await paymentOf(target.id)).crypto_payment.status === "paid", { timeoutMs: 60_000 })
  })

  it("Refunds tab: each group's count and the completed refund, as the API filters and counts them", async () => {
    const Groups = z.object({ groups: z.array(z.object({ id: z.string(), count: z.number() })) })
    const Page = z.object({ withdrawals: z.array(Withdrawal), count: z.number() })
    await open(clerk, store.url, "/crypto-payments?tab=refunds", "waas-refunds-tab")
    const { groups } = Groups.parse(await clerk.api("/admin/waas/withdrawals/groups"))
    expect(groups.find((g) => g.id === "completed")!.count).toBeGreaterThan(0)
    for (const g of groups) {
      await waitFor(`the ${g.id} group's count`, async () => (await text(clerk, `waas-refunds-group-${g.id}`)).endsWith(`(${g.count})`))
    }
    await clerk.page.getByTestId("waas-refunds-group-completed").click()
    const completed = Page.parse(await clerk.api("/admin/waas/withdrawals?group=completed&limit=20&offset=0"))
    const page = clerk.page.getByTestId("waas-refunds-page-completed")
    await page.waitFor()
    expect(await page.getAttribute("data-count")).toBe(String(completed.count))
    const rows = page.locator("tbody tr")
    await waitFor("the page's rows", async () => (await rows.count()) === completed.withdrawals.length)
    for (const w of completed.withdrawals) {
      const row = page.getByTestId(`waas-refund-${w.id}`)
      expect(await row.getAttribute("data-status")).toBe("completed")
      expect(await row.getByTestId("waas-refund-amount").innerText()).toBe(`${w.refund_amount} ${w.symbol}`)
    }
    await saveTallScreenshot(clerk, "admin-tab-refunds")
  })

  it("Address pool: the counts equal the API's, and Refill now refills and shows its run", async () => {
    const Pool = z.object({ coins: z.array(z.object({ symbol: z.string(), available: z.number(), assigned: z.number(), cooling: z.number(), retired: z.number(), low_watermark: z.number() })), users: z.object({ count: z.number(), cap: z.number() }) })
    // the scheduled refill (every 5 minutes by the clock) stays out while the screen is compared with the API:
    // the test holds the refill's own advisory lock, so a run that fires meanwhile changes nothing
    await store.sql("BEGIN")
    try {
      await store.sql("SELECT pg_advisory_xact_lock(hashtext($1))", [REFILL_LOCK_KEY])
      await open(clerk, store.url, "/crypto-payments?tab=pool", "waas-pool-tab")
      const before = Pool.parse(await clerk.api("/admin/waas/pool"))
      for (const c of before.coins) {
        const row = clerk.page.getByTestId(`waas-pool-${c.symbol}`)
        for (const f of ["available", "assigned", "cooling", "retired"] as const) expect(await row.getByTestId(`waas-pool-${f}`).innerText()).toBe(String(c[f]))
        expect(await row.getByTestId("waas-pool-watermark").innerText()).toBe(String(c.low_watermark))
      }
      expect(await text(clerk, "waas-pool-users")).toContain(`${before.users.count} / ${before.users.cap}`)
    } finally {
      await store.sql("ROLLBACK")
    }
    await clerk.page.getByTestId("waas-pool-refill").click()
    await waitFor("the admin's refill run", async () => (await text(clerk, "waas-pool-last-refill")).includes("by an admin"), { timeoutMs: 60_000 })
    const after = Pool.parse(await clerk.api("/admin/waas/pool"))
    const usdt = after.coins.find((c) => c.symbol === SYMBOL)!
    expect(usdt.available).toBeGreaterThanOrEqual(usdt.low_watermark)
    await waitFor("the refilled count", async () => (await clerk.page.getByTestId(`waas-pool-${SYMBOL}`).getByTestId("waas-pool-available").innerText()) === String(usdt.available))
    await saveTallScreenshot(clerk, "admin-tab-pool")
  })

  it("Health: the live WaaS check, the callbacks and the pollers as the API reports them", async () => {
    await open(clerk, store.url, "/crypto-payments?tab=health", "waas-health-tab")
    await clerk.page.getByTestId("waas-health-latency").waitFor()
    const api = z.object({ waas: z.object({ ok: z.boolean(), coins: z.number().nullable() }), callbacks: z.object({ unprocessed: z.number(), refused_24h_total: z.number() }) }).parse(await clerk.api("/admin/waas/health"))
    expect(api.waas.ok).toBe(true)
    expect(await text(clerk, "waas-health-latency")).toMatch(new RegExp(`answers getCoinList in \\d+ ms \\(${api.waas.coins} coins\\)`))
    expect(await text(clerk, "waas-health-unprocessed")).toBe(String(api.callbacks.unprocessed))
    expect(await text(clerk, "waas-health-refused-total")).toBe(String(api.callbacks.refused_24h_total))
    const options = await text(clerk, "waas-health-options")
    expect(options).toContain('"merchantPrivateKey"')
    expect(options).not.toContain("BEGIN PRIVATE KEY")
    await saveTallScreenshot(clerk, "admin-tab-health")
  })

  /** Reconciliation: the days, the 30-day chart, a day's drill-down, the CSV, a break acknowledged, a rerun */
  describe("reconciliation", () => {
    const Run = z.object({ id: z.string(), day: z.string(), attempt: z.number(), status: z.string(), break_counts: z.object({ open: z.number(), total: z.number() }) })
    const today = new Date().toISOString().slice(0, 10)
    const dayBefore = (n: number) => new Date(Date.parse(`${today}T00:00:00.000Z`) - n * 86_400_000).toISOString().slice(0, 10)

    async function runDay(day: string) {
      const { run } = z.object({ run: Run }).parse(await clerk.api(`/admin/waas/reconciliation/days/${day}/rerun`, { method: "POST", body: {} }))
      return waitFor(`the run of ${day}`, async () => {
        const r = z.object({ run: Run }).parse(await clerk.api(`/admin/waas/reconciliation/runs/${run.id}`)).run
        return r.status === "running" ? null : r
      }, { timeoutMs: 120_000, intervalMs: 500 })
    }

    it("the list and the 30-day chart from 30 seeded runs; a day's drill-down; its CSV equals the API's; a break acknowledged; a rerun with its progress", async () => {
      // a ledger that disagrees with the WaaS: the paid order's deposit recorded with one unit more
      await store.sql(`UPDATE waas_deposit SET amount = amount || '1' WHERE crypto_payment_id = (SELECT id FROM waas_crypto_payment WHERE order_id = $1)`, [paidOrder.id])
      for (let n = 29; n >= 1; n--) await runDay(dayBefore(n))
      const todays = await runDay(today)
      expect(todays.break_counts.open).toBeGreaterThan(0)

      // the chart is one request to the trend endpoint, not one per day
      const asked: string[] = []
      const onRequest = (r: { url(): string }) => {
        const u = new URL(r.url())
        if (u.pathname.startsWith("/admin/waas/reconciliation/")) asked.push(u.pathname)
      }
      clerk.page.on("request", onRequest)
      await open(clerk, store.url, "/reconciliation", "waas-recon-page")
      const list = z.object({ days: z.array(z.object({ day: z.string(), run: Run.nullable() })) }).parse(await clerk.api(`/admin/waas/reconciliation/runs?from=${dayBefore(29)}&to=${today}`))
      expect(list.days.filter((d) => d.run)).toHaveLength(30)
      await waitFor("the chart's 30 days", async () => (await clerk.page.getByTestId("waas-recon-chart").getAttribute("data-days")) === "30")
      await clerk.page.locator('[data-testid="waas-recon-chart"] .recharts-bar-rectangle').first().waitFor()
      clerk.page.off("request", onRequest)
      expect(asked.filter((p) => p === "/admin/waas/reconciliation/trend").length).toBeGreaterThanOrEqual(1)
      expect(asked.filter((p) => p.startsWith("/admin/waas/reconciliation/runs/"))).toEqual([])
      // the chart's figures equal the trend endpoint's, day by day, exactly
      const TrendSchema = z.object({ days: z.array(z.object({ day: z.string(), run: z.object({ status: z.string() }).nullable(), coins: z.array(z.object({ symbol: z.string(), volume_in: z.string(), volume_out: z.string() })), open_breaks: z.number() })) })
      const trend = TrendSchema.parse(await clerk.api(`/admin/waas/reconciliation/trend?from=${dayBefore(29)}&to=${today}`))
      expect(trend.days.map((d) => d.day)).toEqual(list.days.map((d) => d.day).reverse())
      expect(trend.days.some((d) => d.coins.length > 0)).toBe(true)
      await clerk.page.getByTestId("waas-recon-chart-figures").locator("summary").click()
      for (const d of trend.days) {
        const row = clerk.page.getByTestId(`waas-recon-trend-${d.day}`)
        expect(await row.getByTestId("waas-recon-trend-run").getAttribute("data-status")).toBe(d.run?.status ?? "none")
        expect(await row.getByTestId("waas-recon-trend-open").innerText()).toBe(String(d.open_breaks))
        for (const c of d.coins) expect(await row.getByTestId(`waas-recon-trend-coin-${c.symbol}`).innerText()).toBe(`${c.volume_in} / ${c.volume_out}`)
      }
      for (const { day, run } of list.days) {
        expect(await clerk.page.getByTestId(`waas-recon-day-${day}`).getByTestId("waas-recon-day-breaks").innerText()).toBe(`${run!.break_counts.open} / ${run!.break_counts.total}`)
      }
      await saveTallScreenshot(clerk, "admin-reconciliation-list")

      await clerk.page.getByTestId(`waas-recon-day-${today}`).getByRole("link").click()
      await clerk.page.getByTestId("waas-recon-run-page").waitFor()
      const detail = z.object({ run: z.object({ totals: z.array(z.object({ kind: z.string(), symbol: z.string(), waas: z.object({ count: z.number(), sum: z.string() }), ledger: z.object({ count: z.number(), sum: z.string() }) })) }) }).parse(await clerk.api(`/admin/waas/reconciliation/runs/${todays.id}`))
      for (const t of detail.run.totals) {
        const row = clerk.page.getByTestId(`waas-recon-total-${t.kind}-${t.symbol}`)
        expect(await row.getByTestId("waas-recon-total-waas").innerText()).toContain(`${t.waas.count} · ${t.waas.sum}`)
        expect(await row.getByTestId("waas-recon-total-ledger").innerText()).toContain(`${t.ledger.count} · ${t.ledger.sum}`)
      }
      await saveTallScreenshot(clerk, "admin-reconciliation-day")

      const [download] = await Promise.all([clerk.page.waitForEvent("download"), clerk.page.getByTestId("waas-recon-download").click()])
      const file = await download.path()
      const csvShown = fs.readFileSync(file, "utf8")
      const csvApi = await (await fetch(`${store.url}/admin/waas/reconciliation/days/${today}/export`, { headers: { authorization: (await clerkBearer()) } })).text()
      expect(csvShown).toBe(csvApi)
      expect(csvShown.split("\n")[0]).toContain("day,run_id,line,type")

      const { breaks } = z.object({ breaks: z.array(z.object({ id: z.string(), status: z.string() })) }).parse(await clerk.api(`/admin/waas/reconciliation/runs/${todays.id}/breaks?status=open`))
      const row = clerk.page.getByTestId(`waas-recon-break-${breaks[0].id}`)
      await row.getByTestId("waas-recon-acknowledge").click()
      await clerk.page.getByTestId("waas-recon-acknowledge-reason").fill("ledger row edited by the test; checked")
      await clerk.page.getByTestId("waas-recon-acknowledge-confirm").click()
      await waitFor("the break acknowledged on screen", async () => (await row.getAttribute("data-status")) === "acknowledged")
      const after = z.object({ breaks: z.array(z.object({ id: z.string(), status: z.string(), note: z.string().nullable() })) }).parse(await clerk.api(`/admin/waas/reconciliation/runs/${todays.id}/breaks`))
      expect(after.breaks.find((b) => b.id === breaks[0].id)).toMatchObject({ status: "acknowledged", note: "ledger row edited by the test; checked" })

      // the run the page shows now (the day's latest), so the wait below sees the page move to the new one
      const shownBefore = clerk.page.url().split("/").pop()!
      // the WaaS answers the rerun's last sync (miner fees) 8 s late: the run stays in its fetching phase meanwhile
      store.sim.control.setFaults({ endpoints: { syncMinerFeeList: { delay: { ms: 8_000, times: 1 } } } })
      await clerk.page.getByTestId("waas-recon-rerun").click()
      await waitFor("the rerun's page", async () => clerk.page.url().split("/").pop() !== shownBefore)
      const rerunId = clerk.page.url().split("/").pop()!
      const Progress = z.object({ phase: z.string(), percent: z.number(), pages_fetched: z.number(), records_compared: z.number(), records_to_compare: z.number() })
      const RunWithProgress = Run.extend({ progress: Progress })
      // while it runs, the page's bar shows the API's progress: the held state (deposits and withdrawals paged)
      const held = await waitFor(
        "the progress bar showing the API's progress of the running rerun",
        async () => {
          const r = z.object({ run: RunWithProgress }).parse(await clerk.api(`/admin/waas/reconciliation/runs/${rerunId}`)).run
          if (r.status !== "running") throw new Error(`the rerun finished (${r.status}) before its progress was seen`)
          const p = r.progress
          if (p.pages_fetched < 2 || p.percent <= 13) return null
          const bar = clerk.page.getByTestId("waas-recon-progress")
          if (!(await bar.isVisible())) return null
          const shown = { percent: await bar.getAttribute("data-percent"), text: await bar.innerText() }
          return shown.percent === String(p.percent) && shown.text.includes(`${p.phase} · ${p.percent} % · ${p.records_compared}/${p.records_to_compare} compared`) ? r : null
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      )
      expect(held.progress).toMatchObject({ phase: "fetching", percent: 27 })
      await saveTallScreenshot(clerk, "admin-reconciliation-rerun-progress")
      const rerun = await waitFor(
        "the rerun finished (admin API)",
        async () => {
          const r = z.object({ run: RunWithProgress }).parse(await clerk.api(`/admin/waas/reconciliation/runs/${rerunId}`)).run
          return r.status === "running" ? null : r
        },
        { timeoutMs: 120_000 },
      )
      expect(rerun).toMatchObject({ attempt: todays.attempt + 1, progress: { phase: "done", percent: 100 } })
      // the screen catches up without a reload: the run page's own poll shows the API's result, and the bar is gone
      await waitFor("the rerun's result on screen", async () => (await clerk.page.getByTestId("waas-recon-run-status").getAttribute("data-status")) === rerun.status, { timeoutMs: 60_000 })
      expect(await clerk.page.getByTestId("waas-recon-progress").count()).toBe(0)
    })
  })
})
