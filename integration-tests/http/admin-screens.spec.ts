import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import { useDepositStore } from "../helpers/deposit-store"
import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { z } from "@medusajs/framework/zod"
import { DEFAULT_COINS } from "../../simulator/coins"
import { inboxSettled, postNotification, rows, SimulatedPayer, useDepositWaas, waitFor } from "../helpers/deposits"
import { RefillGuard } from "../helpers/refill-guard"
import { runWhenFree } from "../helpers/when-free"

jest.setTimeout(180_000)

/**
 * The admin API the admin screens read beyond the refund and deposit routes: the payments list with its filters
 * and search, the address pool per coin with "Refill now", and the Health tab (a live signed WaaS call, callbacks
 * received and refused, the pollers, the options with secrets redacted). A real Medusa and the simulator over HTTP.
 */
const REPO_ROOT = join(__dirname, "..", "..")
const SYMBOL = "USDTERC20"
const ADMIN = { email: "screens@example.com", password: randomBytes(12).toString("base64url") }

const depositWaas = useDepositWaas({ usdtPool: 4 })
const { merchant, sim } = depositWaas

const ListRow = z.object({
  id: z.string(),
  order_id: z.string().nullable(),
  display_id: z.number().nullable(),
  status: z.string(),
  symbol: z.string(),
  address: z.string(),
  amount_due: z.string(),
  amount_received: z.string(),
  amount_remaining: z.string(),
  fiat_amount: z.string().nullable(),
  currency_code: z.string(),
  created_at: z.string(),
})
const List = z.object({ crypto_payments: z.array(ListRow), count: z.number(), limit: z.number(), offset: z.number() })
const CoinRow = z.object({
  symbol: z.string(),
  enabled: z.boolean(),
  low_watermark: z.number(),
  available: z.number(),
  assigned: z.number(),
  cooling: z.number(),
  retired: z.number(),
  below_watermark: z.boolean(),
  last_refill: z.object({ before: z.number(), after: z.number(), added: z.number(), errors: z.array(z.string()) }).nullable(),
})
const RefillRun = z.object({ id: z.string(), trigger: z.enum(["job", "admin"]), actor: z.string().nullable(), skipped: z.string().nullable(), failed: z.boolean(), created_at: z.string() })
const Pool = z.object({
  coins: z.array(CoinRow),
  users: z.object({ count: z.number(), cap: z.number(), used_ratio: z.number() }),
  last_refill: RefillRun.nullable(),
  last_completed_refill: RefillRun.nullable(),
})
const Health = z.object({
  waas: z.object({ ok: z.boolean(), endpoint: z.literal("getCoinList"), latency_ms: z.number(), coins: z.number().nullable(), error: z.string().nullable() }),
  callbacks: z.object({
    last_received_at: z.string().nullable(),
    unprocessed: z.number(),
    refused_24h: z.array(z.object({ route: z.string(), reason: z.string(), count: z.number() })),
    refused_24h_total: z.number(),
  }),
  pollers: z.array(z.object({ name: z.string(), last_run_at: z.string().nullable(), lag_seconds: z.number().nullable(), interval_seconds: z.number(), overdue: z.boolean() })),
  options: z.record(z.string(), z.unknown()),
})

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: (suite) => {
    // the sync cursor and the simulator's notifications are left as they are between tests (isolateDeposits)
    const { db, baseUrl, admin, placeOrder } = useDepositStore(suite, depositWaas, { admin: ADMIN, isolateDeposits: false })

    const refillGuard = new RefillGuard(() => suite.dbConnection as Knex)
    afterEach(async () => {
      await refillGuard.release()
    })

    it("lists payments newest first with their order number and exact figures; filters by status, coin and dates; searches order number, address and txid", async () => {
      const first = await placeOrder()
      const second = await placeOrder()
      const payer = new SimulatedPayer(sim())
      const depositId = payer.send(second.payment.address, second.payment.amount_due)
      await payer.acknowledged(depositId)
      await inboxSettled(db())
      await waitFor("the second payment to be paid", async () => {
        const [p] = await rows<{ status: string }>(db(), `SELECT status FROM waas_crypto_payment WHERE payment_session_id = ?`, [second.sessionId])
        return p.status === "paid"
      })

      const all = List.parse((await admin("GET", "/admin/waas/payments")).body)
      expect(all.count).toBe(2)
      expect(all.crypto_payments.map((p) => p.order_id)).toEqual([second.order.id, first.order.id])
      const [paidRow, awaitingRow] = all.crypto_payments
      expect(paidRow).toMatchObject({
        display_id: Number(second.order.display_id),
        status: "paid",
        symbol: SYMBOL,
        address: second.payment.address,
        amount_due: second.payment.amount_due,
        amount_received: second.payment.amount_due,
        amount_remaining: "0",
        currency_code: "usd",
      })
      const [stored] = await rows<{ raw_fiat_amount: { value: string } }>(db(), `SELECT raw_fiat_amount FROM waas_crypto_payment WHERE id = ?`, [paidRow.id])
      expect(paidRow.fiat_amount).toBe(stored.raw_fiat_amount.value)
      expect(awaitingRow.status).toBe("awaiting_payment")

      const ids = async (query: string) => List.parse((await admin("GET", `/admin/waas/payments?${query}`)).body).crypto_payments.map((p) => p.id)
      expect(await ids("status=paid")).toEqual([paidRow.id])
      expect(await ids("status=paid,awaiting_payment")).toEqual([paidRow.id, awaitingRow.id])
      expect(await ids("symbol=ETH")).toEqual([])
      expect(await ids(`symbol=${SYMBOL}&limit=1&offset=1`)).toEqual([awaitingRow.id])
      const today = new Date().toISOString().slice(0, 10)
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
      expect(await ids(`created_from=${today}&created_to=${tomorrow}`)).toHaveLength(2)
      expect(await ids(`created_to=${today}`)).toEqual([])
      expect(await ids(`q=%23${second.order.display_id}`)).toEqual([paidRow.id])
      expect(await ids(`q=${first.order.display_id}`)).toEqual([awaitingRow.id])
      expect(await ids(`q=${first.payment.address.slice(2, 14).toUpperCase()}`)).toEqual([awaitingRow.id])
      const [deposit] = await rows<{ txid: string }>(db(), `SELECT txid FROM waas_deposit WHERE waas_deposit_id = ?`, [String(depositId)])
      expect(await ids(`q=${deposit.txid}`)).toEqual([paidRow.id])
      // LIKE wildcards are literal: "%" matches nothing, not everything
      expect(await ids("q=%25%25%25%25%25%25")).toEqual([])
      // a short text is not searched inside addresses (every address has a "1" in it somewhere)
      expect(await ids(`q=${second.payment.address.slice(2, 5)}`)).toEqual([])

      for (const bad of ["status=lost", "created_from=yesterday", "limit=0", "symbol=a%20b", "sort=id"]) {
        const answer = await admin("GET", `/admin/waas/payments?${bad}`)
        expect({ bad, status: answer.status }).toEqual({ bad, status: 400 })
      }
      // the per-order lookup still answers the full view
      const byOrder = await admin("GET", `/admin/waas/payments?order_id=${second.order.id}`)
      expect(byOrder.status).toBe(200)
      expect((byOrder.body as { crypto_payments: unknown[] }).crypto_payments).toHaveLength(1)
    })

    it("shows the pool per coin equal to the database, refills on demand and logs the run as the admin's", async () => {
      // the scheduled refill (every 5 minutes by the clock) stays out until the admin's own run
      await refillGuard.hold()
      // take two addresses out of the pool so the refill has work to do
      await placeOrder()
      await placeOrder()
      const before = Pool.parse((await admin("GET", "/admin/waas/pool")).body)
      const counts = await rows<{ symbol: string; status: string; n: string }>(
        db(),
        `SELECT symbol, status, count(*) AS n FROM waas_pool_address WHERE deleted_at IS NULL GROUP BY symbol, status`,
      )
      for (const c of before.coins) {
        for (const status of ["available", "assigned", "cooling", "retired"] as const) {
          const n = Number(counts.find((r) => r.symbol === c.symbol && r.status === status)?.n ?? 0)
          expect({ symbol: c.symbol, status, n: c[status] }).toEqual({ symbol: c.symbol, status, n })
        }
      }
      const usdt = before.coins.find((c) => c.symbol === SYMBOL)!
      expect(usdt).toMatchObject({ enabled: true, low_watermark: 4, available: 2, assigned: 2, below_watermark: true })
      expect(before.last_refill?.trigger).toBe("job")
      const [accounts] = await rows<{ n: string }>(db(), `SELECT count(*) AS n FROM waas_account WHERE deleted_at IS NULL`)
      expect(before.users.count).toBe(Number(accounts.n))
      expect(before.users.cap).toBe(50_000)

      await refillGuard.release()
      // (a scheduled run that fired in the instant since the release holds the lock: the admin's waits it out)
      const Refilled = z.object({ report: z.object({ skipped: z.string().optional(), coins: z.array(z.object({ symbol: z.string(), added: z.number() })) }), pool: Pool })
      const after = await runWhenFree(async () => {
        const refill = await admin("POST", "/admin/waas/pool/refill", { symbols: [SYMBOL] })
        expect(refill.status).toBe(200)
        const parsed = Refilled.parse(refill.body)
        return { ...parsed, skipped: parsed.report.skipped }
      })
      expect(after.report.coins).toEqual([expect.objectContaining({ symbol: SYMBOL, added: 2 })])
      const usdtAfter = after.pool.coins.find((c) => c.symbol === SYMBOL)!
      expect(usdtAfter).toMatchObject({ available: 4, assigned: 2, below_watermark: false, last_refill: { before: 2, after: 4, added: 2, errors: [] } })
      const [me] = await rows<{ id: string }>(db(), `SELECT id FROM "user" WHERE email = ?`, [ADMIN.email])
      expect(after.pool.last_refill).toMatchObject({ trigger: "admin", actor: me.id, skipped: null, failed: false })
      const [logged] = await rows<{ n: string }>(db(), `SELECT count(*) AS n FROM waas_pool_refill_run WHERE trigger = 'admin'`)
      expect(Number(logged.n)).toBe(1)

      expect((await admin("POST", "/admin/waas/pool/refill", { symbols: ["no such coin!"] })).status).toBe(400)
      expect((await admin("POST", "/admin/waas/pool/refill", { all: true })).status).toBe(400)
    })

    it("health: a live signed WaaS call with its latency, refused callbacks by reason, the backlog, the pollers, options without secrets", async () => {
      const refusedGarbage = await postNotification(baseUrl(), { app_id: merchant.appId, data: "bm90IGEgY2lwaGVydGV4dA" })
      expect(refusedGarbage.status).toBe(401)
      const refusedEmpty = await postNotification(baseUrl(), { app_id: merchant.appId })
      expect(refusedEmpty.status).toBe(400)
      await waitFor("both refusals to be counted", async () => {
        const [r] = await rows<{ n: string }>(db(), `SELECT count(*) AS n FROM waas_callback_refusal`)
        return Number(r.n) === 2
      })
      // a callback recorded but not processed yet
      await db().raw(
        `INSERT INTO waas_callback_inbox (id, side, waas_id, last_status, last_payload, received_count, first_received_at, last_received_at, processed_count, created_at, updated_at)
         VALUES ('wcbin_health', 'deposit', '999999', 0, '{}'::jsonb, 1, now(), now(), 0, now(), now())`,
      )

      const answer = await admin("GET", "/admin/waas/health")
      expect(answer.status).toBe(200)
      const health = Health.parse(answer.body)
      expect(health.waas).toMatchObject({ ok: true, error: null })
      // the simulator lists its default coins to every merchant
      expect(health.waas.coins).toBe(DEFAULT_COINS.length)
      expect(health.waas.latency_ms).toBeGreaterThanOrEqual(0)
      expect(health.callbacks.refused_24h).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ route: "notify", reason: "undecryptable", count: 1 }),
          expect.objectContaining({ route: "notify", reason: "missing_data", count: 1 }),
        ]),
      )
      expect(health.callbacks.refused_24h_total).toBe(2)
      expect(health.callbacks.unprocessed).toBe(1)
      expect(health.callbacks.last_received_at).not.toBeNull()
      const deposits = health.pollers.find((p) => p.name === "deposits")!
      const [cursor] = await rows<{ updated_at: Date }>(db(), `SELECT updated_at FROM waas_sync_cursor WHERE name = 'deposits'`)
      expect(new Date(deposits.last_run_at!).getTime()).toBe(cursor.updated_at.getTime())
      expect(deposits.lag_seconds).toBeGreaterThanOrEqual(0)
      expect(deposits.interval_seconds).toBe(86_400)
      expect(health.options.appId).toBe(merchant.appId)
      expect(JSON.stringify(health)).not.toContain(merchant.merchantPrivateKey.replace(/-----[A-Z ]+-----|\s/g, "").slice(0, 60))
      expect(health.options.merchantPrivateKey).not.toBe(merchant.merchantPrivateKey)

      // the WaaS refusing the call is shown, not thrown
      sim().control.setFaults({ endpoints: { getCoinList: { plaintextError: { code: "100004", msg: "Signature verification failed" } } } })
      const down = Health.parse((await admin("GET", "/admin/waas/health")).body)
      expect(down.waas.ok).toBe(false)
      expect(down.waas.error).toContain("100004")
      await db().raw(`DELETE FROM waas_callback_inbox WHERE id = 'wcbin_health'`)
    })

    it("checks a refund destination as the drawer types it, without writing anything", async () => {
      const check = async (body: Record<string, unknown>) => {
        const answer = await admin("POST", "/admin/waas/destination-check", body)
        return { status: answer.status, body: answer.body }
      }
      const good = "0x52908400098527886E0F7030069857D2E4169EE7"
      expect(await check({ symbol: SYMBOL, address: good })).toEqual({ status: 200, body: { valid: true, address: good, memo: null } })
      const badChecksum = await check({ symbol: SYMBOL, address: "0x52908400098527886E0F7030069857D2E4169Ee7" })
      expect(badChecksum.status).toBe(200)
      expect(badChecksum.body).toMatchObject({ valid: false, message: expect.stringMatching(/checksum|EIP-55/i) })
      expect((await check({ symbol: SYMBOL, address: "not an address" })).body).toMatchObject({ valid: false })
      expect((await check({ symbol: SYMBOL })).status).toBe(400)
      const [w] = await rows<{ n: string }>(db(), `SELECT count(*) AS n FROM waas_withdrawal`)
      expect(Number(w.n)).toBe(0)
    })

    it("the new routes need an admin", async () => {
      for (const path of ["/admin/waas/payments", "/admin/waas/pool", "/admin/waas/health"]) {
        expect((await fetch(new URL(path, baseUrl()))).status).toBe(401)
      }
      expect((await fetch(new URL("/admin/waas/destination-check", baseUrl()), { method: "POST" })).status).toBe(401)
      expect((await fetch(new URL("/admin/waas/pool/refill", baseUrl()), { method: "POST" })).status).toBe(401)
    })
  },
})
