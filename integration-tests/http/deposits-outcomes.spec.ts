import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import { useDepositStore } from "../helpers/deposit-store"
import { runWhenFree } from "../helpers/when-free"
import type { IPaymentModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import Decimal from "decimal.js"
import { DepositEvents } from "../../src/modules/waas/deposits/outcome"
import { runDepositPoll } from "../../src/workflows/deposits/runners/run-deposit-poll"
import { inboxSettled, ledgerSnapshot, rows, waitFor, useDepositWaas, PublicPayment } from "../helpers/deposits"
import { WAAS_PROVIDER_ID } from "../helpers/seed-store"
import { completeCart, prepareCart, startCryptoPaymentSession, StoreApiError } from "../helpers/storefront"

jest.setTimeout(180_000)

/**
 * What each kind of deposit ends as (underpaid, topped up, overpaid, late inside the monitoring window,
 * after it, the wrong coin, an unknown address, a compliance hold), and how an admin sees and resolves
 * them through /admin/waas. Same harness as deposits.spec.ts: a real Medusa and the WaaS simulator over
 * HTTP; late deposits are made by moving the payment's quote times back in the database.
 * The late-payment policy is the default, "hold".
 */
const REPO_ROOT = join(__dirname, "..", "..")
const SYMBOL = "USDTERC20"
const ADMIN = { email: "treasurer@example.com", password: randomBytes(12).toString("base64url") }

const depositWaas = useDepositWaas({ usdtPool: 6 })
const { sim } = depositWaas

const AdminDeposit = z.object({
  id: z.string(),
  waas_deposit_id: z.string(),
  status: z.string(),
  symbol: z.string(),
  amount: z.string(),
  crypto_payment_id: z.string().nullable(),
  timing: z.string().nullable(),
  orphan_reason: z.string().nullable(),
  resolution: z.string().nullable(),
  resolved_by: z.string().nullable(),
})
const AdminPayment = z.object({
  crypto_payment: z.object({
    id: z.string(),
    status: z.string(),
    order_id: z.string().nullable(),
    amount_due: z.string(),
    amount_received: z.string(),
    amount_pending: z.string(),
    amount_excess: z.string(),
    amount_remaining: z.string(),
    medusa_captured_at: z.string().nullable(),
  }),
  deposits: z.array(AdminDeposit),
  credits: z.array(z.object({ waas_deposit_id: z.string(), amount: z.string(), source: z.string(), credited_by: z.string().nullable() })),
})

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: (suite) => {
    const { db, container, waas, seeded, storefront, payer, events, eventsFor, admin, placeOrder } = useDepositStore(suite, depositWaas, {
      admin: ADMIN,
      events: { names: Object.values(DepositEvents), subscriberPrefix: "deposits-outcomes-spec-" },
    })

    async function storeView(sessionId: string) {
      return (await storefront().get(`/store/waas/payments/${sessionId}`, z.object({ payment: PublicPayment }))).data.payment
    }

    async function adminByOrder(orderId: string) {
      const answer = await admin("GET", `/admin/waas/payments?order_id=${orderId}`)
      expect(answer.status).toBe(200)
      const [one, ...more] = z.object({ crypto_payments: z.array(AdminPayment) }).parse(answer.body).crypto_payments
      expect(more).toEqual([])
      return one
    }

    async function orphanQueue() {
      const answer = await admin("GET", "/admin/waas/orphans")
      expect(answer.status).toBe(200)
      return z.object({ deposits: z.array(AdminDeposit), count: z.number() }).parse(answer.body)
    }

    /** pays, waits for the acknowledged callback and its processing */
    async function payAndSettle(address: string, amount: string, symbol = SYMBOL): Promise<number> {
      const id = payer().send(address, amount, symbol)
      await payer().acknowledged(id)
      await inboxSettled(db())
      return id
    }

    async function medusaCaptured(sessionId: string) {
      const payments = container().resolve<IPaymentModuleService>(Modules.PAYMENT)
      return payments.listPayments({ payment_session_id: sessionId }, { relations: ["captures"] })
    }

    /** moves the payment's quote so that "now" on the WaaS's clock is `minutesAfterExpiry` past expiry */
    async function expireQuote(sessionId: string, minutesAfterExpiry: number, windowMinutes: number) {
      const now = sim().clock.now()
      const expires = new Date(now - minutesAfterExpiry * 60_000)
      const monitorUntil = new Date(expires.getTime() + windowMinutes * 60_000)
      await db().raw(`UPDATE waas_crypto_payment SET expires_at = ?, monitor_until = ? WHERE payment_session_id = ?`, [
        expires,
        monitorUntil,
        sessionId,
      ])
    }

    it("underpaid: the order keeps waiting with the remainder shown; a top-up to the same address completes it", async () => {
      const { orderId, sessionId, payment } = await placeOrder()
      const due = new Decimal(payment.amount_due)
      const first = due.times(0.6).toDecimalPlaces(6).toFixed()
      const firstId = await payAndSettle(payment.address, first)

      const rest = due.minus(first).toFixed()
      expect(await storeView(sessionId)).toMatchObject({ status: "underpaid", amount_received: first, amount_remaining: rest })
      const underpaid = await adminByOrder(orderId)
      expect(underpaid.crypto_payment).toMatchObject({ status: "underpaid", amount_received: first, amount_remaining: rest, medusa_captured_at: null })
      expect(underpaid.deposits.map((d) => [d.status, d.amount, d.timing])).toEqual([["credited", first, "on_time"]])
      expect(await medusaCaptured(sessionId)).toEqual([])

      const restId = await payAndSettle(payment.address, rest)
      const paid = await waitFor("the Medusa capture", async () => {
        const p = await adminByOrder(orderId)
        return p.crypto_payment.medusa_captured_at ? p : null
      })
      expect(paid.crypto_payment).toMatchObject({ status: "paid", amount_received: payment.amount_due, amount_remaining: "0" })
      expect(paid.credits.map((c) => c.amount)).toEqual([first, rest])
      expect(await storeView(sessionId)).toMatchObject({ status: "paid", amount_remaining: "0" })
      const [medusaPayment] = await medusaCaptured(sessionId)
      expect(medusaPayment.captures).toHaveLength(1)
      await waitFor("the paid event", () => eventsFor(restId).includes(DepositEvents.PAYMENT_PAID))
      expect(eventsFor(firstId)).toEqual([DepositEvents.DEPOSIT_RECEIVED, DepositEvents.PAYMENT_UNDERPAID])
      expect(eventsFor(restId)).toEqual([DepositEvents.DEPOSIT_RECEIVED, DepositEvents.PAYMENT_PAID])
      // ids only: the deposit, the WaaS's id, the payment, its session and order
      const paidEvent = events.find((e) => e.name === DepositEvents.PAYMENT_PAID && e.data.waas_deposit_id === String(restId))
      expect(Object.keys(paidEvent?.data ?? {}).sort()).toEqual(
        ["crypto_payment_id", "deposit_id", "id", "order_id", "payment_session_id", "status", "waas_deposit_id"].sort(),
      )
      expect(paidEvent?.data).toMatchObject({ order_id: orderId, payment_session_id: sessionId, status: "credited" })
    })

    it("overpaid: the order is paid, the excess recorded for a refund", async () => {
      const { orderId, sessionId, payment } = await placeOrder()
      const sent = new Decimal(payment.amount_due).plus("7.123456").toFixed()
      const depositId = await payAndSettle(payment.address, sent)
      const p = await waitFor("the Medusa capture", async () => {
        const v = await adminByOrder(orderId)
        return v.crypto_payment.medusa_captured_at ? v : null
      })
      expect(p.crypto_payment).toMatchObject({ status: "overpaid", amount_received: sent, amount_excess: "7.123456", amount_remaining: "0" })
      // Medusa captures what the order costs, in the store's currency; the crypto excess is ours to return
      const [medusaPayment] = await medusaCaptured(sessionId)
      expect(medusaPayment.captures).toHaveLength(1)
      expect(Number(medusaPayment.amount)).toBeGreaterThan(0)
      await waitFor("the overpaid event", () => eventsFor(depositId).includes(DepositEvents.PAYMENT_OVERPAID))
      expect(eventsFor(depositId)).toEqual([DepositEvents.DEPOSIT_RECEIVED, DepositEvents.PAYMENT_PAID, DepositEvents.PAYMENT_OVERPAID])
    })

    it("late, inside the monitoring window: held for an admin, who attaches it to its order (paid)", async () => {
      const { orderId, sessionId, payment } = await placeOrder()
      await expireQuote(sessionId, 10, 60)
      const depositId = await payAndSettle(payment.address, payment.amount_due)

      const held = await adminByOrder(orderId)
      expect(held.crypto_payment).toMatchObject({ status: "late_held", amount_received: "0" })
      expect(held.deposits).toEqual([
        expect.objectContaining({ waas_deposit_id: String(depositId), status: "held", timing: "late", orphan_reason: null }),
      ])
      const queue = await orphanQueue()
      expect(queue.deposits.map((d) => [d.waas_deposit_id, d.status])).toEqual([[String(depositId), "held"]])
      await waitFor("the late event", () => eventsFor(depositId).includes(DepositEvents.PAYMENT_LATE))
      expect(await medusaCaptured(sessionId)).toEqual([])

      const resolved = await admin("POST", `/admin/waas/orphans/${held.deposits[0].id}/resolve`, { action: "attach", note: "price held" })
      expect(resolved.status).toBe(200)
      expect(resolved.body).toMatchObject({
        deposit: { status: "credited", resolution: "attached", resolved_by: expect.stringMatching(/^user_/) },
        crypto_payment: { status: "paid", amount_received: payment.amount_due },
        medusa: "captured",
      })
      expect((await orphanQueue()).count).toBe(0)
      const [medusaPayment] = await medusaCaptured(sessionId)
      expect(medusaPayment.captured_at).toBeTruthy()
      const credits = (await adminByOrder(orderId)).credits
      expect(credits).toEqual([expect.objectContaining({ source: "admin", credited_by: expect.stringMatching(/^user_/) })])
    })

    it("late, after the monitoring window: an orphan, never credited; an admin marks it for refund", async () => {
      const { orderId, sessionId, payment } = await placeOrder()
      await expireQuote(sessionId, 120, 60)
      const depositId = await payAndSettle(payment.address, payment.amount_due)

      const view = await adminByOrder(orderId)
      expect(view.crypto_payment.amount_received).toBe("0")
      expect(view.deposits).toEqual([
        expect.objectContaining({ status: "orphaned", orphan_reason: "after_monitoring_window", timing: "after_window" }),
      ])
      expect(view.credits).toEqual([])
      const [orphan] = (await orphanQueue()).deposits
      expect(orphan).toMatchObject({ waas_deposit_id: String(depositId), status: "orphaned" })
      await waitFor("the orphaned event", () => eventsFor(depositId).includes(DepositEvents.DEPOSIT_ORPHANED))

      const refund = await admin("POST", `/admin/waas/orphans/${orphan.id}/resolve`, { action: "mark_for_refund" })
      expect(refund.status).toBe(200)
      expect(refund.body).toMatchObject({ deposit: { status: "refund_pending", resolution: "mark_for_refund" } })
      expect((await orphanQueue()).count).toBe(0)
      // a decision is final: the same deposit cannot then be attached
      const again = await admin("POST", `/admin/waas/orphans/${orphan.id}/resolve`, { action: "attach", order_id: orderId })
      expect(again.status).toBe(400)
      expect(again.body).toMatchObject({ message: `deposit ${orphan.id} is refund_pending; only held, orphaned or needs_review deposits wait for an admin's decision` })
      expect((await adminByOrder(orderId)).credits).toEqual([])
    })

    it("the wrong coin: an orphan; attaching it to the order is refused and changes nothing", async () => {
      const { orderId, payment } = await placeOrder()
      // ETH sent to the USDT (ERC-20) payment's address: the same address on the same chain
      const depositId = await payAndSettle(payment.address, "0.01", "ETH")
      const [orphan] = (await orphanQueue()).deposits
      expect(orphan).toMatchObject({ waas_deposit_id: String(depositId), symbol: "ETH", status: "orphaned", orphan_reason: "wrong_coin" })

      const before = await ledgerSnapshot(db())
      const refused = await admin("POST", `/admin/waas/orphans/${orphan.id}/resolve`, { action: "attach", order_id: orderId })
      expect(refused.status).toBe(400)
      expect(String(refused.body?.message)).toMatch(/is ETH but crypto payment wcpay_\w+ is quoted in USDTERC20; mark it for refund instead$/)
      expect(await ledgerSnapshot(db())).toEqual(before)
      expect((await adminByOrder(orderId)).crypto_payment).toMatchObject({ status: "awaiting_payment", amount_received: "0" })
    })

    it("a deposit to an address no payment holds is an orphan; an admin attaches it to the order it was meant for", async () => {
      const { orderId, sessionId, payment } = await placeOrder()
      const [free] = await rows<{ address: string }>(
        db(),
        `SELECT address FROM waas_pool_address WHERE symbol = ? AND status = 'available' LIMIT 1`,
        [SYMBOL],
      )
      const depositId = await payAndSettle(free.address, payment.amount_due)
      const [orphan] = (await orphanQueue()).deposits
      expect(orphan).toMatchObject({ waas_deposit_id: String(depositId), status: "orphaned", orphan_reason: "unknown_address", crypto_payment_id: null })

      const resolved = await admin("POST", `/admin/waas/orphans/${orphan.id}/resolve`, { action: "attach", order_id: orderId })
      expect(resolved.status).toBe(200)
      expect(resolved.body).toMatchObject({ crypto_payment: { status: "paid" }, medusa: "captured" })
      const view = await adminByOrder(orderId)
      expect(view.deposits.map((d) => [d.waas_deposit_id, d.status])).toEqual([[String(depositId), "credited"]])
      expect(await storeView(sessionId)).toMatchObject({ status: "paid" })
    })

    it("a compliance hold shows as pending and credits only when the WaaS releases it", async () => {
      const { orderId, sessionId, payment } = await placeOrder()
      // KYT "risk": after its confirmations the WaaS holds it in status 5, and sends no notification
      const depositId = payer().send(payment.address, payment.amount_due, SYMBOL, "risk")
      const report = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(report.sync.records).toBe(1)
      const reviewing = await adminByOrder(orderId)
      expect(reviewing.crypto_payment).toMatchObject({ status: "awaiting_payment", amount_received: "0", amount_pending: payment.amount_due })
      expect(reviewing.deposits).toEqual([expect.objectContaining({ status: "compliance_review" })])

      sim().control.releaseKyt(depositId, "pass")
      await payer().acknowledged(depositId)
      await inboxSettled(db())
      const paid = await adminByOrder(orderId)
      expect(paid.crypto_payment).toMatchObject({ status: "paid", amount_pending: "0", amount_received: payment.amount_due })
      expect((await storeView(sessionId)).status).toBe("paid")
    })

    it("the admin API: authentication, lookups, clear errors on bad input that change nothing, and re-running a callback", async () => {
      const { orderId, sessionId, payment } = await placeOrder()
      const depositId = await payAndSettle(payment.address, payment.amount_due)

      expect((await admin("GET", `/admin/waas/payments?order_id=${orderId}`, undefined, {})).status).toBe(401)
      expect((await admin("GET", "/admin/waas/orphans", undefined, {})).status).toBe(401)

      const bySession = await admin("GET", `/admin/waas/payments?payment_session_id=${sessionId}`)
      const byOrder = await adminByOrder(orderId)
      expect(z.object({ crypto_payments: z.array(AdminPayment) }).parse(bySession.body).crypto_payments).toEqual([byOrder])
      const byId = await admin("GET", `/admin/waas/payments/${byOrder.crypto_payment.id}`)
      expect(AdminPayment.parse(byId.body)).toEqual(byOrder)

      const before = await ledgerSnapshot(db())
      const bad: Array<[string, "GET" | "POST", string, unknown, number, RegExp]> = [
        // without a lookup key the route lists payments (the admin's Payments tab); its filters are checked
        ["an unknown status filter", "GET", "/admin/waas/payments?status=bogus", undefined, 400, /status must be one of/],
        ["both lookup keys", "GET", `/admin/waas/payments?order_id=${orderId}&payment_session_id=${sessionId}`, undefined, 400, /either/],
        ["an unknown order", "GET", "/admin/waas/payments?order_id=order_missing", undefined, 404, /order order_missing does not exist/],
        ["an unknown payment", "GET", "/admin/waas/payments/wcpay_missing", undefined, 404, /does not exist/],
        ["a bad limit", "GET", "/admin/waas/orphans?limit=0", undefined, 400, /limit/],
        ["an unknown action", "POST", `/admin/waas/orphans/${byOrder.deposits[0].id}/resolve`, { action: "keep" }, 400, /action must be/],
        ["two targets", "POST", `/admin/waas/orphans/${byOrder.deposits[0].id}/resolve`, { action: "attach", order_id: orderId, crypto_payment_id: byOrder.crypto_payment.id }, 400, /not both/],
        ["an unknown deposit", "POST", "/admin/waas/orphans/wdep_missing/resolve", { action: "mark_for_refund" }, 404, /deposit wdep_missing does not exist/],
        ["a credited deposit", "POST", `/admin/waas/orphans/${byOrder.deposits[0].id}/resolve`, { action: "mark_for_refund" }, 400, /is credited; only held, orphaned or needs_review/],
        ["an unknown callback", "POST", "/admin/waas/inbox/wcbin_missing/reprocess", undefined, 404, /does not exist/],
      ]
      for (const [label, method, path, body, status, message] of bad) {
        const answer = await admin(method, path, body)
        expect({ label, status: answer.status }).toEqual({ label, status })
        expect({ label, message: String(answer.body?.message) }).toEqual({ label, message: expect.stringMatching(message) })
      }
      expect(await ledgerSnapshot(db())).toEqual(before)

      // re-running a processed callback re-reads the WaaS and changes nothing: the deposit is credited once
      const [entry] = await rows<{ id: string }>(db(), `SELECT id FROM waas_callback_inbox WHERE waas_id = ?`, [String(depositId)])
      const rerun = await admin("POST", `/admin/waas/inbox/${entry.id}/reprocess`)
      expect(rerun.status).toBe(200)
      expect(rerun.body).toMatchObject({ error: null, callback: { id: entry.id, last_error: null }, outcome: expect.stringContaining("credited → credited") })
      expect(await ledgerSnapshot(db())).toEqual(before)
    })

    it("a transfer still confirming at expiry: the payment waits for it, a new session is refused, and it pays on time", async () => {
      const store = storefront()
      const { cart, paymentCollection } = await prepareCart(store, { regionId: seeded().regionId, variantId: seeded().variantId })
      const started = await startCryptoPaymentSession(store, paymentCollection.id, SYMBOL)
      const session = started.data.payment_collection.payment_sessions?.find((s) => s.provider_id === WAAS_PROVIDER_ID)
      if (!session) throw new Error("no WaaS payment session")
      const payment = await storeView(session.id)

      // the transfer is on chain before expiry (WaaS status 0), then the quote's lifetime runs out
      // (the WaaS notifies once a deposit is final: the poller is what sees it this early)
      const depositId = payer().sendUnconfirmed(payment.address, payment.amount_due)
      await runWhenFree(() => runDepositPoll(container(), { force: true }))
      await db().raw(`UPDATE waas_crypto_payment SET expires_at = ? WHERE payment_session_id = ?`, [new Date(sim().clock.now()), session.id])
      await waas().expireStalePayments(new Date(Math.max(Date.now(), sim().clock.now()) + 1000))
      const confirming = await storefront().get(`/store/waas/payments/${session.id}`, z.object({ payment: PublicPayment.extend({ payment_detected: z.boolean(), message: z.string(), amount_pending: z.string() }) }))
      expect(confirming.data.payment).toMatchObject({
        status: "awaiting_payment",
        amount_pending: payment.amount_due,
        payment_detected: true,
        message: "Payment detected, waiting for confirmations",
      })

      // the storefront's only recovery used to be a new session, which canceled this payment and asked again
      const again = await startCryptoPaymentSession(store, paymentCollection.id, SYMBOL).then(
        () => null,
        (e: unknown) => e as StoreApiError,
      )
      // refused: the provider refuses both to delete the old session (Medusa keeps it) and to quote a new one.
      // Medusa runs the two in parallel and reports its own "could not delete" error; the storefront reads
      // why from the payment view above ("payment detected, waiting for confirmations").
      expect(again).toBeInstanceOf(StoreApiError)
      expect(again!.status).toBeGreaterThanOrEqual(400)
      const sessions = await rows<{ id: string }>(db(), `SELECT id FROM payment_session WHERE payment_collection_id = ? AND deleted_at IS NULL`, [paymentCollection.id])
      expect(sessions.map((s) => s.id)).toContain(session.id)
      expect(await storeView(session.id)).toMatchObject({ status: "awaiting_payment", address: payment.address })

      // final after expiry, judged by when it was made: paid, and the order can be placed and captured
      sim().control.confirmDeposit(depositId, 12)
      await waitFor("the confirmed deposit", async () => (await storeView(session.id)).status === "paid")
      const completed = await completeCart(store, cart.id)
      const p = await waitFor("the Medusa capture", async () => {
        const v = await adminByOrder(completed.data.order.id)
        return v.crypto_payment.medusa_captured_at ? v : null
      })
      expect(p.crypto_payment).toMatchObject({ status: "paid", amount_received: payment.amount_due, amount_pending: "0" })
      expect(p.deposits.map((d) => [d.status, d.timing])).toEqual([["credited", "on_time"]])
    })
  },
})
