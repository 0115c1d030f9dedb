import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import { useDepositStore } from "../helpers/deposit-store"
import { runWhenFree } from "../helpers/when-free"
import type { IPaymentModuleService, Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import Decimal from "decimal.js"
import type { SimDeposit } from "../../simulator"
import { depositNotification } from "../../simulator/records"
import { decryptEnvelope, generateWaasKeyPair, sealNotification } from "../../src/protocol"
import { processingQueueOf } from "../../src/workflows/callbacks/processing-queue"
import { runDepositPoll } from "../../src/workflows/deposits/runners/run-deposit-poll"
import {
  inboxSettled,
  ledgerSnapshot,
  postNotification,
  rows,
  sumOf,
  waitFor,
  type Sql,
  useDepositWaas,
  PublicPayment,
} from "../helpers/deposits"
import { takeDatabaseDown } from "../helpers/database-outage"
import { WAAS_PROVIDER_ID } from "../helpers/seed-store"

jest.setTimeout(180_000)

/**
 * Money in, end to end: a real Medusa (booted once for this file, the plugin from src/) and the WaaS
 * simulator over real HTTP, with its real notification schedule. The simulator calls the store's
 * /hooks/waas/notify; its clock is real, and moved forward only to reach a retry. The database is
 * restored before every `it`; the simulator lives for the file, so each test starts the deposit cursor
 * at the simulator's newest deposit and leaves no notification unanswered.
 */
const REPO_ROOT = join(__dirname, "..", "..")
const SYMBOL = "USDTERC20"

const depositWaas = useDepositWaas({ usdtPool: 104 })
const { merchant, sim } = depositWaas

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: (suite) => {
    const { db, container, waas, baseUrl, storefront, payer, placeOrder } = useDepositStore(suite, depositWaas)

    async function cryptoPayment(sessionId: string) {
      const p = await waas().retrievePaymentBySession(sessionId)
      if (!p) throw new Error(`no crypto payment for ${sessionId}`)
      return p
    }

    async function paidAndCaptured(sessionId: string) {
      return waitFor(`payment session ${sessionId} paid and captured in Medusa`, async () => {
        const p = await cryptoPayment(sessionId)
        return (p.status === "paid" || p.status === "overpaid") && p.medusa_captured_at ? p : null
      })
    }

    async function creditsOf(waasDepositId: number) {
      return rows<{ amount: string; crypto_payment_id: string }>(
        db(),
        `SELECT amount, crypto_payment_id FROM waas_deposit_credit WHERE waas_deposit_id = ?`,
        [String(waasDepositId)],
      )
    }

    async function medusaPayments(sessionId: string) {
      const payments = container().resolve<IPaymentModuleService>(Modules.PAYMENT)
      return payments.listPayments({ payment_session_id: sessionId }, { relations: ["captures"] })
    }

    /** a notification as the WaaS would seal it, for a deposit the simulator knows */
    function genuinePayload(d: SimDeposit, patch: Record<string, string> = {}): Record<string, string> {
      const now = String(sim().clock.now())
      return { ...depositNotification(d, "ETH", { utcOffsetMinutes: 480 }), notify_time: now, time: now, ...patch }
    }
    const simDeposit = (id: number): SimDeposit => {
      const d = sim().control.getState().deposits.find((x) => x.id === id)
      if (!d) throw new Error(`the simulator has no deposit ${id}`)
      return d
    }

    it("a paid order: the callback is answered SUCCESS, the payment captured through Medusa, the collection completed", async () => {
      const { orderId, sessionId, payment } = await placeOrder()
      expect(payment).toMatchObject({ status: "awaiting_payment", amount_received: "0" })

      const depositId = payer().send(payment.address, payment.amount_due)
      const delivery = await payer().acknowledged(depositId)
      expect(delivery).toMatchObject({ attempt: 1, responseStatus: 200, responseBody: "SUCCESS", acknowledged: true })

      const paid = await paidAndCaptured(sessionId)
      expect(paid).toMatchObject({ status: "paid", amount_received: payment.amount_due, amount_excess: "0" })
      expect(await creditsOf(depositId)).toEqual([{ amount: payment.amount_due, crypto_payment_id: paid.id }])

      // Medusa: one Payment, fully captured once, the collection completed, the order paid
      const [medusaPayment, ...others] = await medusaPayments(sessionId)
      expect(others).toEqual([])
      expect(medusaPayment.captured_at).toBeTruthy()
      expect(medusaPayment.captures).toHaveLength(1)
      const query = container().resolve(ContainerRegistrationKeys.QUERY)
      const { data: orders } = await query.graph({
        entity: "order",
        fields: ["id", "payment_collections.status", "payment_collections.payment_sessions.status", "transactions.reference"],
        filters: { id: orderId },
      })
      expect(orders[0]).toMatchObject({
        payment_collections: [{ status: "completed", payment_sessions: [{ status: "authorized" }] }],
        transactions: [{ reference: "capture" }],
      })
      const storeOrder = await storefront().get(
        `/store/orders/${orderId}?fields=+payment_status`,
        z.object({ order: z.object({ payment_status: z.string() }) }),
      )
      expect(storeOrder.data.order.payment_status).toBe("captured")

      // the storefront's status route shows it paid
      const view = await storefront().get(`/store/waas/payments/${sessionId}`, z.object({ payment: PublicPayment }))
      expect(view.data.payment).toMatchObject({ status: "paid", amount_received: payment.amount_due, amount_remaining: "0" })

      // the acknowledgement is exactly the 7 bytes the WaaS expects, as plain text
      const again = await postNotification(baseUrl(), {
        app_id: merchant.appId,
        data: sealNotification(genuinePayload(simDeposit(depositId)), sim().walletPrivateKey),
      })
      expect(again).toEqual({ status: 200, contentType: expect.stringMatching(/^text\/plain/), body: "SUCCESS" })
      await inboxSettled(db())
      expect(await creditsOf(depositId)).toHaveLength(1)
      const [inbox] = await rows<{ received_count: number; processed_count: number; last_outcome: string }>(
        db(),
        `SELECT received_count, processed_count, last_outcome FROM waas_callback_inbox WHERE waas_id = ?`,
        [String(depositId)],
      )
      expect(inbox).toMatchObject({ received_count: 2, processed_count: 2 })
    })

    it("a callback delivered five times at once credits its deposit once", async () => {
      const { sessionId, payment } = await placeOrder()
      sim().control.setFaults({ notify: { duplicate: { copies: 5, times: 1 } } })

      const depositId = payer().send(payment.address, payment.amount_due)
      const copies = await waitFor("five concurrent deliveries", () => {
        const d = payer().deliveries(depositId)
        return d.length >= 5 && d.every((x) => x.responseStatus !== undefined) ? d : null
      })
      const byCopy = [...copies].sort((a, b) => a.copy - b.copy)
      expect(byCopy.map((c) => [c.attempt, c.copy, c.responseStatus, c.responseBody])).toEqual(
        [0, 1, 2, 3, 4].map((copy) => [1, copy, 200, "SUCCESS"]),
      )
      await inboxSettled(db())
      await paidAndCaptured(sessionId)

      expect(await creditsOf(depositId)).toHaveLength(1)
      const p = await cryptoPayment(sessionId)
      expect(p.amount_received).toBe(payment.amount_due)
      const [inbox] = await rows<{ received_count: number }>(db(), `SELECT received_count FROM waas_callback_inbox WHERE waas_id = ?`, [
        String(depositId),
      ])
      expect(inbox.received_count).toBe(5)
      const [medusaPayment, ...others] = await medusaPayments(sessionId)
      expect(others).toEqual([])
      expect(medusaPayment.captures).toHaveLength(1)
    })

    it("100 payments under random duplicates and reordering end with exact totals", async () => {
      // a seeded generator: a failure can be replayed with the printed seed
      const seed = Number(process.env.DEPOSIT_SEED ?? Date.now() % 1_000_000)
      let state = seed
      const random = () => {
        state = (state + 0x6d2b79f5) | 0
        let t = Math.imul(state ^ (state >>> 15), 1 | state)
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296
      }
      const payments = container().resolve<IPaymentModuleService>(Modules.PAYMENT)
      const sessions: Array<{ sessionId: string; address: string; due: string }> = []
      for (let i = 0; i < 100; i++) {
        const amount = 10 + Math.floor(random() * 9000) / 100
        const [collection] = await payments.createPaymentCollections([{ currency_code: "usd", amount }])
        const session = await payments.createPaymentSession(collection.id, {
          provider_id: WAAS_PROVIDER_ID,
          currency_code: "usd",
          amount,
          data: { symbol: SYMBOL },
        })
        const p = await cryptoPayment(session.id)
        sessions.push({ sessionId: session.id, address: p.address, due: p.amount_due })
      }

      // every send goes out as three concurrent copies, and the sends are held, then released shuffled
      sim().control.setFaults({ notify: { duplicate: { copies: 3 }, reorder: { mode: "shuffle" } } })
      const sent: Array<{ depositId: number; sessionId: string; amount: string }> = []
      const micro = (x: Decimal) => x.toDecimalPlaces(6, Decimal.ROUND_DOWN)
      for (const s of sessions) {
        const due = new Decimal(s.due)
        const shape = random()
        // a third pay exactly, a third in two parts (one short, then the rest), a third over or under
        const parts =
          shape < 1 / 3
            ? [due]
            : shape < 2 / 3
              ? (() => {
                  const first = micro(due.times(0.2 + random() * 0.6))
                  return [first, due.minus(first)]
                })()
              : [micro(due.times(0.5 + random()))]
        for (const part of parts) {
          const amount = part.toFixed()
          sent.push({ depositId: payer().send(s.address, amount), sessionId: s.sessionId, amount })
        }
      }
      await waitFor(
        "every notification to be due and held",
        () => {
          const mine = sim().control.notifications().filter((n) => sent.some((s) => s.depositId === n.recordId))
          return mine.length === sent.length && mine.every((n) => n.held)
        },
        { timeoutMs: 60_000 },
      )
      await sim().control.flushNotifications("shuffle")
      // and a random third again, out of the schedule
      sim().control.clearFaults()
      const again = sim().control.notifications().filter((n) => sent.some((s) => s.depositId === n.recordId) && random() < 1 / 3)
      await Promise.all(again.map((n) => sim().control.redeliver(n.id)))
      await inboxSettled(db(), 120_000)

      const deliveries = sim().control.deliveries().filter((d) => sent.some((s) => s.depositId === d.recordId))
      expect(deliveries.length).toBe(sent.length * 3 + again.length)
      expect(deliveries.every((d) => d.acknowledged)).toBe(true)

      // the ledger: one credit per deposit, and to the last decimal what was sent
      const credits = await rows<{ waas_deposit_id: string; amount: string }>(db(), `SELECT waas_deposit_id, amount FROM waas_deposit_credit`)
      expect(credits.map((c) => Number(c.waas_deposit_id)).sort((a, b) => a - b)).toEqual(sent.map((s) => s.depositId).sort((a, b) => a - b))
      const label = `seed ${seed}`
      expect({ label, credited: sumOf(credits.map((c) => c.amount)) }).toEqual({ label, credited: sumOf(sent.map((s) => s.amount)) })
      for (const s of sessions) {
        const p = await cryptoPayment(s.sessionId)
        const received = sumOf(sent.filter((x) => x.sessionId === s.sessionId).map((x) => x.amount))
        const expected = new Decimal(received).gt(s.due) ? "overpaid" : new Decimal(received).eq(s.due) ? "paid" : "underpaid"
        expect({ label, session: s.sessionId, received: p.amount_received, status: p.status }).toEqual({
          label,
          session: s.sessionId,
          received,
          status: expected,
        })
        if (expected !== "underpaid") {
          expect(p.amount_excess).toBe(new Decimal(received).minus(s.due).toFixed())
        }
      }
    })

    it("with every callback lost, one poller run credits the deposit; the callback arriving later credits nothing more", async () => {
      const { sessionId, payment } = await placeOrder()
      sim().control.setFaults({ notify: { drop: {} } })
      const depositId = payer().send(payment.address, payment.amount_due)
      await waitFor("the first send to be dropped", () => payer().deliveries(depositId).some((d) => d.dropped))
      expect((await ledgerSnapshot(db())).inbox).toBe("0")

      const report = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(report).toMatchObject({ sync: { records: 1, failed: 0, caught_up: true }, medusa: { failed: 0 } })
      expect(report.sync.cursor_to).toBe(String(depositId))
      const paid = await cryptoPayment(sessionId)
      expect(paid).toMatchObject({ status: "paid", amount_received: payment.amount_due })
      expect(paid.medusa_captured_at).toBeTruthy()

      // the WaaS's 2-minute retry now gets through
      sim().control.clearFaults()
      await sim().clock.advance(120_000)
      const late = await payer().acknowledged(depositId)
      expect(late.attempt).toBe(2)
      await inboxSettled(db())
      expect(await creditsOf(depositId)).toHaveLength(1)
      expect((await cryptoPayment(sessionId)).amount_received).toBe(payment.amount_due)
      const [medusaPayment, ...others] = await medusaPayments(sessionId)
      expect(others).toEqual([])
      expect(medusaPayment.captures).toHaveLength(1)

      // a second run finds nothing new: the cursor moved past the page it applied
      const second = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(second.sync).toMatchObject({ records: 0, cursor_from: String(depositId), cursor_to: String(depositId) })
    })

    it("callbacks acknowledged while processing is queued survive the queue dying: the poller's inbox sweep credits each once", async () => {
      const orders = [await placeOrder(), await placeOrder(), await placeOrder()]
      // the instance's processing queue stops taking work, as in a process that is about to die
      const queue = processingQueueOf(container())
      queue.suspend()
      let dropped = 0
      const depositIds: number[] = []
      try {
        for (const { payment } of orders) depositIds.push(payer().send(payment.address, payment.amount_due))
        for (const id of depositIds) {
          expect(await payer().acknowledged(id)).toMatchObject({ attempt: 1, responseStatus: 200, responseBody: "SUCCESS" })
        }
        await waitFor("the three callbacks queued", () => queue.size.waiting === 3)
        // the process dies: what was queued is gone
        dropped = queue.drop()
      } finally {
        queue.resume()
      }
      expect(dropped).toBe(3)
      // ... but not what was recorded: the inbox still has every callback, pending, and nothing was credited
      const pending = await rows<{ waas_id: string }>(
        db(),
        `SELECT waas_id FROM waas_callback_inbox WHERE side = 'deposit' AND processed_count < received_count ORDER BY waas_id`,
      )
      expect(pending.map((r) => Number(r.waas_id))).toEqual([...depositIds].sort((a, b) => a - b))
      expect(await ledgerSnapshot(db())).toMatchObject({ credits: "0" })

      // the next poller run processes the inbox's pending rows (its sweep, before any sync)
      const report = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(report.inbox).toEqual({ processed: 3, failed: 0 })
      await inboxSettled(db())
      for (const [i, { sessionId, payment }] of orders.entries()) {
        const paid = await paidAndCaptured(sessionId)
        expect(paid.amount_received).toBe(payment.amount_due)
        expect(await creditsOf(depositIds[i])).toEqual([{ amount: payment.amount_due, crypto_payment_id: paid.id }])
        expect((await medusaPayments(sessionId))[0].captures).toHaveLength(1)
      }
    })

    it("a deposit the poller first saw unconfirmed is re-read with depositList until final, then credited", async () => {
      const { sessionId, payment } = await placeOrder()
      sim().control.setFaults({ notify: { drop: {} } })
      const depositId = payer().sendUnconfirmed(payment.address, payment.amount_due)
      const first = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(first.sync).toMatchObject({ records: 1, cursor_to: String(depositId) })
      expect(await cryptoPayment(sessionId)).toMatchObject({ status: "awaiting_payment", amount_pending: payment.amount_due })

      // confirmed at the WaaS; its notification is lost, and syncDepositList never returns it again
      sim().control.confirmDeposit(depositId, simDeposit(depositId).requiredConfirmations)
      await waitFor("the lost notification", () => payer().deliveries(depositId).some((d) => d.dropped))
      const second = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(second).toMatchObject({ sync: { records: 0 }, recheck: { checked: 1, failed: 0 }, errors: [] })
      expect(await cryptoPayment(sessionId)).toMatchObject({ status: "paid", amount_pending: "0", amount_received: payment.amount_due })
      expect(await creditsOf(depositId)).toHaveLength(1)
    })

    it("the WaaS unreachable after a callback was acknowledged: it stays in the inbox until the poller credits it", async () => {
      const { sessionId, payment } = await placeOrder()
      sim().control.setFaults({ endpoints: { depositList: { httpStatus: { status: 503 } } } })
      const depositId = payer().send(payment.address, payment.amount_due)
      const delivery = await payer().acknowledged(depositId)
      expect(delivery.responseBody).toBe("SUCCESS")
      // the subscriber tries four times (at once, then after 0.25 s, 1 s and 4 s), then leaves it pending
      const [failed] = await waitFor("the subscriber to give up for now", async () => {
        const r = await rows<{ attempts: number; last_error: string | null; processing_until: unknown; processed_count: number }>(
          db(),
          `SELECT attempts, last_error, processing_until, processed_count FROM waas_callback_inbox WHERE waas_id = ?`,
          [String(depositId)],
        )
        return r[0]?.attempts >= 4 && r[0].processing_until === null ? r : null
      })
      // the failure as the WaaS client reported it, and nothing else (it used to end in "; undefined")
      expect(failed).toMatchObject({ attempts: 4, processed_count: 0, last_error: "WaaS /billing/depositList: HTTP 503" })
      expect(await creditsOf(depositId)).toEqual([])

      sim().control.clearFaults()
      const report = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(report.inbox).toEqual({ processed: 1, failed: 0 })
      expect((await paidAndCaptured(sessionId)).amount_received).toBe(payment.amount_due)
      expect(await creditsOf(depositId)).toHaveLength(1)
    })

    it("refuses forged and malformed notifications with a 4xx and no state change", async () => {
      const { payment } = await placeOrder()
      const pendingId = payer().sendUnconfirmed(payment.address, payment.amount_due)
      const d = simDeposit(pendingId)
      const stranger = generateWaasKeyPair()
      const seal = (p: Record<string, string>, key = sim().walletPrivateKey) => sealNotification(p, key)
      const blocks = (data: string) => {
        const buf = Buffer.from(data.replace(/-/g, "+").replace(/_/g, "/"), "base64")
        return Array.from({ length: buf.length / 256 }, (_, i) => buf.subarray(i * 256, (i + 1) * 256))
      }
      const join = (b: Buffer[]) => Buffer.concat(b).toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
      const genuine = blocks(seal(genuinePayload(d, { status: "1" })))
      const other = blocks(seal(genuinePayload(d, { status: "1", id: "424242", amount: "1000" })))

      // two genuine 3-block messages: the start of one, the middle of the other (whose closing brace is in
      // its third block). Precondition: these do not parse. (A splice can also parse: then it is a hint
      // like any other, see the next test, and the pull from the WaaS decides.)
      expect(genuine).toHaveLength(3)
      expect(other).toHaveLength(3)
      const spliced = join([genuine[0], other[1]])
      for (const data of [spliced, join([genuine[1], genuine[0], ...genuine.slice(2)])]) {
        expect(() => JSON.parse(decryptEnvelope(data, sim().walletPublicKey))).toThrow()
      }

      const before = await ledgerSnapshot(db())
      const cases: Array<[string, Record<string, string>, number]> = [
        ["signed with another key", { app_id: merchant.appId, data: seal(genuinePayload(d, { status: "1" }), stranger.privateKey) }, 401],
        ["blocks of one genuine message reordered", { app_id: merchant.appId, data: join([genuine[1], genuine[0], ...genuine.slice(2)]) }, 400],
        ["blocks spliced from two genuine messages", { app_id: merchant.appId, data: spliced }, 400],
        ["a block missing", { app_id: merchant.appId, data: join(genuine.slice(0, -1)) }, 400],
        ["another merchant's app_id in the form", { app_id: "f".repeat(32), data: seal(genuinePayload(d)) }, 403],
        ["another merchant's app_id inside", { app_id: merchant.appId, data: seal(genuinePayload(d, { app_id: "f".repeat(32) })) }, 403],
        ["an unknown side", { app_id: merchant.appId, data: seal(genuinePayload(d, { side: "transfer" })) }, 400],
        ["an unknown status", { app_id: merchant.appId, data: seal(genuinePayload(d, { status: "3" })) }, 400],
        ["no data field", { app_id: merchant.appId }, 400],
        ["data that is not base64", { app_id: merchant.appId, data: "not base64!" }, 401],
        ...["1,5", "1e3", "-1", "35.0000001", ""].map(
          (amount): [string, Record<string, string>, number] => [
            `the amount ${JSON.stringify(amount)}`,
            { app_id: merchant.appId, data: seal(genuinePayload(d, { status: "1", amount })) },
            400,
          ],
        ),
      ]
      for (const [label, form, status] of cases) {
        const answer = await postNotification(baseUrl(), form)
        expect({ label, status: answer.status, body: answer.body }).toEqual({ label, status, body: "FAILURE" })
      }
      expect(await ledgerSnapshot(db())).toEqual(before)
      expect(before).toMatchObject({ inbox: "0", deposits: "0", credits: "0" })
    })

    it("treats an authentic-looking callback as a hint: claims the WaaS does not confirm move no money", async () => {
      const { sessionId, payment } = await placeOrder()
      // the shopper's transfer is on chain, not yet confirmed (WaaS status 0)
      const pendingId = payer().sendUnconfirmed(payment.address, payment.amount_due)
      const d = simDeposit(pendingId)
      const forged = [
        // decryptable (a leaked key, or genuine blocks spliced into valid JSON): "confirmed, and 100 times more"
        genuinePayload(d, { status: "1", amount: new Decimal(payment.amount_due).times(100).toFixed() }),
        // a deposit id the WaaS never issued
        genuinePayload(d, { status: "1", id: "987654321" }),
      ]
      for (const p of forged) {
        const answer = await postNotification(baseUrl(), { app_id: merchant.appId, data: sealNotification(p, sim().walletPrivateKey) })
        expect(answer).toMatchObject({ status: 200, body: "SUCCESS" })
      }
      await inboxSettled(db())
      const inbox = await rows<{ waas_id: string; last_outcome: string }>(db(), `SELECT waas_id, last_outcome FROM waas_callback_inbox ORDER BY waas_id`)
      expect(inbox).toEqual([
        { waas_id: String(pendingId), last_outcome: expect.stringContaining("new → pending") },
        { waas_id: "987654321", last_outcome: "the WaaS does not know this deposit: nothing applied" },
      ])
      const after = await ledgerSnapshot(db())
      expect(after).toMatchObject({ deposits: "1", credits: "0" })
      const p = await cryptoPayment(sessionId)
      expect(p).toMatchObject({ status: "awaiting_payment", amount_received: "0", amount_pending: payment.amount_due })

      // the real confirmation, once the WaaS has it, credits the real amount
      sim().control.confirmDeposit(pendingId, d.requiredConfirmations)
      await payer().acknowledged(pendingId)
      await inboxSettled(db())
      expect((await paidAndCaptured(sessionId)).amount_received).toBe(payment.amount_due)
      expect(await creditsOf(pendingId)).toEqual([{ amount: payment.amount_due, crypto_payment_id: p.id }])
    })

    it("database down: the callback gets 503 FAILURE from the route's own short wait for a connection; the WaaS's 2-minute retry credits it once", async () => {
      const { sessionId, payment } = await placeOrder()
      const logger = container().resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      const logged = jest.spyOn(logger, "error")
      const bringBack = await takeDatabaseDown(suite.dbConnection)
      let depositId: number
      try {
        depositId = payer().send(payment.address, payment.amount_due)
        // The simulator waits 10 s for an answer (notifyTimeoutMs). A route that waited out the pool's
        // 60 s acquire timeout would show up here as a send without an answer (a timeout), not as a 503.
        const [first] = await waitFor("the first delivery", () => {
          const sent = payer().deliveries(depositId)
          return sent.length > 0 ? sent : null
        })
        expect(first).toMatchObject({ attempt: 1, responseStatus: 503, responseBody: "FAILURE", acknowledged: false })
      } finally {
        await bringBack()
      }
      // the bound that produced it: callbackDbTimeoutMs on waiting for a connection
      expect(logged.mock.calls.map(([line]) => String(line)).filter((l) => l.includes(`WaaS id ${depositId}`))).toEqual([
        expect.stringMatching(/could not record the deposit notification .*\(WAAS_DB_CONNECTION_TIMEOUT\)/),
      ])
      logged.mockRestore()
      expect(await ledgerSnapshot(db())).toMatchObject({ inbox: "0", deposits: "0", credits: "0" })
      expect((await cryptoPayment(sessionId)).status).toBe("awaiting_payment")

      await sim().clock.advance(120_000)
      const retry = await payer().acknowledged(depositId)
      expect(retry).toMatchObject({ attempt: 2, responseStatus: 200, responseBody: "SUCCESS" })
      await inboxSettled(db())
      await paidAndCaptured(sessionId)
      expect(await creditsOf(depositId)).toHaveLength(1)
    })

    it("a table locked by someone else: the route gives up after its lock timeout with FAILURE, and the retry credits", async () => {
      const { sessionId, payment } = await placeOrder()
      const knex = suite.dbConnection as { transaction<T>(fn: (trx: Sql) => Promise<T>): Promise<T> }
      let depositId = 0
      await knex.transaction(async (trx) => {
        await trx.raw(`LOCK TABLE waas_callback_inbox IN ACCESS EXCLUSIVE MODE`)
        depositId = payer().send(payment.address, payment.amount_due)
        const first = await waitFor(
          "the first delivery's answer",
          () =>
            payer()
              .deliveries(depositId)
              .find((x) => x.responseStatus !== undefined),
          { timeoutMs: 15_000 },
        )
        expect(first).toMatchObject({ attempt: 1, responseStatus: 503, responseBody: "FAILURE" })
      })
      await sim().clock.advance(120_000)
      await payer().acknowledged(depositId)
      await inboxSettled(db())
      await paidAndCaptured(sessionId)
      expect(await creditsOf(depositId)).toHaveLength(1)
    })
  },
})
