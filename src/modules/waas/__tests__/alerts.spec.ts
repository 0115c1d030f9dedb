import path from "node:path"
import type { SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import { generateEntityId } from "@medusajs/framework/utils"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import type { AlertChanges } from "../alerts/alerts"
import { testOptions } from "./support/fixtures"
import { seedPool } from "./support/seed"
import { plannedSimulator } from "./support/simulator"

jest.setTimeout(60_000)

const waas = plannedSimulator()
beforeAll(async () => {
  await waas.start()
})
afterAll(async () => {
  await waas.stop()
})

const keys = (c: AlertChanges) => ({ raised: c.raised.map((a) => a.key).sort(), resolved: c.resolved.map((a) => a.key).sort() })
const NOTHING = { raised: [], resolved: [] }

/**
 * Each condition: raised once while it holds (a second look while it holds changes nothing), resolved when it
 * clears. Conditions are made to hold through the real paths where the module has one (a refill against the
 * simulator, a refused callback, a denied second confirmation, the poller's run mark) and through the database
 * where only time makes them hold (a callback unprocessed for 11 minutes).
 */
moduleIntegrationTestRunner<WaasModuleService>({
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions({
    waasHost: waas.url,
    waasPublicKey: waas.walletPublicKey,
    userCap: 10,
    coins: [
      { symbol: "ETH", displayName: "Ether", network: "ethereum", decimals: 18, poolLowWatermark: 8 },
      { symbol: "USDTERC20", displayName: "Tether", network: "ethereum", decimals: 6, poolLowWatermark: 5 },
    ],
    defaultCoin: "ETH",
    alerts: { callbacksRefusedMax: 3 },
  }) as unknown as Record<string, unknown>,
  testSuite: ({ service, MikroOrmWrapper }) => {
    const knex = () => (MikroOrmWrapper.forkManager() as SqlEntityManager).getKnex()
    const alerts = () => service.alerts()
    const sql = (q: string, b: Array<string | number> = []) => knex().raw(q, b)

    it("pool below its watermark after a refill, and the WaaS user cap above 90 %: raised once, resolved when they clear", async () => {
      // the cap (10) stops the refill: ETH gets 8, USDT only 2 of its 5
      const report = await service.refillPool()
      expect(keys(await alerts().observeRefill(report))).toEqual({ raised: ["pool_low:USDTERC20"], resolved: [] })
      expect(keys(await alerts().observeRefill(report))).toEqual(NOTHING)
      const [low] = (await alerts().list({ status: "open", limit: 10, offset: 0 })).alerts
      expect(low).toMatchObject({ condition: "pool_low", subject: "USDTERC20", figures: { symbol: "USDTERC20", available: 2, watermark: 5 } })

      expect(keys(await alerts().evaluate())).toEqual({ raised: ["user_cap"], resolved: [] })
      expect(keys(await alerts().evaluate())).toEqual(NOTHING)
      const open = (await alerts().list({ status: "open", limit: 10, offset: 0 })).alerts.find((a) => a.key === "user_cap")
      expect(open?.figures).toEqual({ users: 10, cap: 10, percent: 100, threshold_percent: 90 })

      // a skipped run judges nothing
      expect(keys(await alerts().observeRefill({ skipped: "another refill run holds the lock", coins: [] }))).toEqual(NOTHING)

      // room under the cap again (five accounts retired here through the database): the next refill reaches the
      // USDT watermark, which clears "pool low", and 8 users of 10 clears the cap
      await sql(`UPDATE waas_account SET deleted_at = now() WHERE id IN (SELECT id FROM waas_account WHERE symbol = 'ETH' AND deleted_at IS NULL ORDER BY id LIMIT 5)`)
      const refilled = await service.refillPool({ symbols: ["USDTERC20"] })
      expect(refilled.coins).toEqual([expect.objectContaining({ symbol: "USDTERC20", after: 5 })])
      expect(keys(await alerts().observeRefill(refilled))).toEqual({ raised: [], resolved: ["pool_low:USDTERC20"] })
      expect(keys(await alerts().evaluate())).toEqual({ raised: [], resolved: ["user_cap"] })
      const resolved = (await alerts().list({ status: "resolved", limit: 10, offset: 0 })).alerts
      expect(resolved.map((a) => a.key).sort()).toEqual(["pool_low:USDTERC20", "user_cap"])
      expect(resolved.every((a) => a.resolved_at !== null)).toBe(true)
    })

    it("pool empty at a checkout: raised while the coin has no address and checkouts found none, resolved once addresses are back", async () => {
      await sql(`INSERT INTO waas_live_address_fetch (id, symbol, payment_session_id, fetched_at) VALUES (?, 'ETH', 'payses_1', now())`, [generateEntityId(undefined, "wlive")])
      expect(keys(await alerts().evaluate())).toEqual({ raised: ["pool_empty:ETH"], resolved: [] })
      expect(keys(await alerts().evaluate())).toEqual(NOTHING)
      await seedPool(service, "ETH", 1, "back")
      expect(keys(await alerts().evaluate())).toEqual({ raised: [], resolved: ["pool_empty:ETH"] })
    })

    it("callbacks refused: more than N of one reason within M minutes, by reason; resolved once they age out", async () => {
      for (let i = 0; i < 4; i++) await service.health().recordRefusal({ route: "notify", reason: "undecryptable", http_status: 401, body_bytes: 64 })
      for (let i = 0; i < 3; i++) await service.health().recordRefusal({ route: "notify", reason: "wrong_app_id", http_status: 401, body_bytes: 64 })
      // 4 > 3 for undecryptable; exactly 3 wrong_app_id is not more than N
      expect(keys(await alerts().evaluate())).toEqual({ raised: ["callbacks_refused:undecryptable"], resolved: [] })
      await service.health().recordRefusal({ route: "notify", reason: "undecryptable", http_status: 401, body_bytes: 64 })
      expect(keys(await alerts().evaluate())).toEqual(NOTHING)
      const [open] = (await alerts().list({ status: "open", limit: 5, offset: 0 })).alerts
      expect(open.figures).toMatchObject({ reason: "undecryptable", refused: 5, max: 3, window_minutes: 10 })
      await sql(`UPDATE waas_callback_refusal SET created_at = now() - interval '11 minutes'`)
      expect(keys(await alerts().evaluate())).toEqual({ raised: [], resolved: ["callbacks_refused:undecryptable"] })
    })

    it("callbacks recorded and unprocessed for more than N minutes: raised, resolved once processed", async () => {
      // a callback as the notify route records it (first delivery, nothing processed yet)
      const id = generateEntityId(undefined, "wcbin")
      await sql(
        `INSERT INTO waas_callback_inbox (id, side, waas_id, last_status, last_payload, received_count, first_received_at, last_received_at)
         VALUES (?, 'deposit', '4242', 1, '{}'::jsonb, 1, now(), now())`,
        [id],
      )
      expect(keys(await alerts().evaluate())).toEqual(NOTHING)
      await sql(`UPDATE waas_callback_inbox SET first_received_at = now() - interval '11 minutes', last_received_at = now() - interval '11 minutes' WHERE id = ?`, [id])
      expect(keys(await alerts().evaluate())).toEqual({ raised: ["callbacks_unprocessed"], resolved: [] })
      expect(keys(await alerts().evaluate())).toEqual(NOTHING)
      const claimed = await service.claimCallback(id, "deposit")
      expect(claimed).not.toBeNull()
      await service.completeCallback(id, claimed!.received_count, "test: processed")
      expect(keys(await alerts().evaluate())).toEqual({ raised: [], resolved: ["callbacks_unprocessed"] })
    })

    it("a poller that never ran although there is work for it counts as behind", async () => {
      const id = generateEntityId(undefined, "wwdr")
      await sql(
        `INSERT INTO waas_withdrawal (id, request_id, source, deposit_id, symbol, network, decimals, refund_amount, amount, fee_bearer, rate_basis, from_uid, reason, approvals_required, status, created_at, updated_at)
         VALUES (?, ?, 'deposit', 'wdep_y', 'ETH', 'ethereum', 18, '0.1', '0.1', 'merchant', 'crypto', '1', 'test', 1, 'requested', now() - interval '11 minutes', now())`,
        [id, `req_${id}`],
      )
      const changes = await alerts().evaluate()
      expect(keys(changes)).toEqual({ raised: ["withdrawal_poller_behind"], resolved: [] })
      expect(changes.raised[0].figures).toEqual({ last_run_at: null, minutes: 10 })
      await service.withdrawals().poll.markRun()
      expect(keys(await alerts().evaluate())).toEqual({ raised: [], resolved: ["withdrawal_poller_behind"] })
    })

    it("the deposit and withdrawal pollers not run for more than N minutes: raised, resolved by their next run", async () => {
      await service.depositPoll().markRun()
      await service.withdrawals().poll.markRun()
      expect(keys(await alerts().evaluate())).toEqual(NOTHING)
      await sql(`UPDATE waas_sync_cursor SET updated_at = now() - interval '11 minutes'`)
      expect(keys(await alerts().evaluate())).toEqual({ raised: ["deposit_poller_behind", "withdrawal_poller_behind"], resolved: [] })
      expect(keys(await alerts().evaluate())).toEqual(NOTHING)
      await service.depositPoll().markRun()
      expect(keys(await alerts().evaluate())).toEqual({ raised: [], resolved: ["deposit_poller_behind"] })
      await service.withdrawals().poll.markRun()
      expect(keys(await alerts().evaluate())).toEqual({ raised: [], resolved: ["withdrawal_poller_behind"] })
    })

    it("a withdrawal not final after N hours: raised per withdrawal, resolved when it is final", async () => {
      // (a withdrawal that old with a withdrawal poller that never ran would raise that too: it ran)
      await service.withdrawals().poll.markRun()
      const id = generateEntityId(undefined, "wwdr")
      await sql(
        `INSERT INTO waas_withdrawal (id, request_id, source, deposit_id, symbol, network, decimals, refund_amount, amount, fee_bearer, rate_basis, from_uid, reason, approvals_required, status, created_at, updated_at)
         VALUES (?, ?, 'deposit', 'wdep_x', 'ETH', 'ethereum', 18, '0.1', '0.1', 'merchant', 'crypto', '1', 'test', 1, 'requested', now() - interval '25 hours', now())`,
        [id, `req_${id}`],
      )
      expect(keys(await alerts().evaluate())).toEqual({ raised: [`withdrawal_stuck:${id}`], resolved: [] })
      expect(keys(await alerts().evaluate())).toEqual(NOTHING)
      // a requested refund waiting for its approval that long counts too; rejected, it is final
      await sql(`UPDATE waas_withdrawal SET status = 'rejected' WHERE id = ?`, [id])
      expect(keys(await alerts().evaluate())).toEqual({ raised: [], resolved: [`withdrawal_stuck:${id}`] })
    })

    it("a second confirmation denied: raised, resolved once the denial is older than the window", async () => {
      const verdict = await service.withdrawals().answerConfirmation({
        request_id: "req_nobody_knows",
        from_uid: "1",
        to_address: "0x52908400098527886E0F7030069857D2E4169EE7",
        amount: "1",
        symbol: "ETH",
        check_sum: "abc",
      } as never)
      expect(verdict.confirmed).toBe(false)
      expect(keys(await alerts().evaluate())).toEqual({ raised: ["second_confirmation_denied:req_nobody_knows"], resolved: [] })
      expect(keys(await alerts().evaluate())).toEqual(NOTHING)
      await sql(`UPDATE waas_withdrawal_audit SET created_at = now() - interval '61 minutes' WHERE action = 'second_confirmation_denied'`)
      expect(keys(await alerts().evaluate())).toEqual({ raised: [], resolved: ["second_confirmation_denied:req_nobody_knows"] })
    })

    it("a reconciliation run with breaks or failed: raised for its day, resolved by a balanced run of that day", async () => {
      expect(keys(await alerts().observeReconciliation("2026-11-30", "breaks", { missing_here: 2, amount: 1 }))).toEqual({
        raised: ["reconciliation_breaks:2026-11-30"],
        resolved: [],
      })
      expect(keys(await alerts().observeReconciliation("2026-11-30", "breaks", { missing_here: 2, amount: 1 }))).toEqual(NOTHING)
      expect(keys(await alerts().observeReconciliation("2026-11-29", "failed", {}))).toEqual({ raised: ["reconciliation_failed:2026-11-29"], resolved: [] })
      const open = (await alerts().list({ status: "open", limit: 10, offset: 0 })).alerts.find((a) => a.subject === "2026-11-30")
      expect(open?.figures).toEqual({ day: "2026-11-30", status: "breaks", breaks: 3, breaks_missing_here: 2, breaks_amount: 1 })
      // a balanced run of one day clears that day only
      expect(keys(await alerts().observeReconciliation("2026-11-30", "balanced", {}))).toEqual({ raised: [], resolved: ["reconciliation_breaks:2026-11-30"] })
      // a failed day that later reconciles with breaks: one clears, the other opens
      expect(keys(await alerts().observeReconciliation("2026-11-29", "breaks", { amount: 1 }))).toEqual({
        raised: ["reconciliation_breaks:2026-11-29"],
        resolved: ["reconciliation_failed:2026-11-29"],
      })
    })

    it("instances judging at the same moment raise an alert once and resolve it once", async () => {
      for (let i = 0; i < 4; i++) await service.health().recordRefusal({ route: "notify", reason: "malformed", http_status: 401, body_bytes: 64 })
      const raised = await Promise.all(Array.from({ length: 6 }, () => alerts().evaluate()))
      expect(raised.flatMap((c) => c.raised.map((a) => a.key))).toEqual(["callbacks_refused:malformed"])
      await sql(`UPDATE waas_callback_refusal SET created_at = now() - interval '11 minutes'`)
      const resolved = await Promise.all(Array.from({ length: 6 }, () => alerts().evaluate()))
      expect(resolved.flatMap((c) => c.resolved.map((a) => a.key))).toEqual(["callbacks_refused:malformed"])
      const [{ n }] = (await sql(`SELECT count(*) AS n FROM waas_alert WHERE key = 'callbacks_refused:malformed'`)).rows
      expect(Number(n)).toBe(1)
    })
  },
})
