import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import { useDepositStore } from "../helpers/deposit-store"
import { runWhenFree } from "../helpers/when-free"
import type { IPaymentModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { runDepositPoll } from "../../src/workflows/deposits/runners/run-deposit-poll"
import { inboxSettled, ledgerSnapshot, rows, waitFor, useDepositWaas, PublicPayment } from "../helpers/deposits"

jest.setTimeout(180_000)

/**
 * Deposits an admin has to look at because the WaaS's word changed or cannot be applied: a credited deposit the
 * WaaS later reports failed (reversed), an admin attach on a deposit that never arrived (refused), a record the
 * plugin cannot apply (parked for review while the sync cursor moves on), and callbacks whose processing keeps
 * failing (retried with backoff while the sweep goes on past them). A real Medusa and the WaaS simulator over HTTP,
 * as in deposits.spec.ts.
 */
const REPO_ROOT = join(__dirname, "..", "..")
const ADMIN = { email: "auditor@example.com", password: randomBytes(12).toString("base64url") }
const REVERSED_EVENT = "waas.deposit.reversed"

const depositWaas = useDepositWaas({ usdtPool: 8 })
const { sim } = depositWaas

const AdminDeposit = z.object({
  id: z.string(),
  waas_deposit_id: z.string(),
  status: z.string(),
  amount: z.string(),
  waas_status: z.number(),
  crypto_payment_id: z.string().nullable(),
  review_reason: z.string().nullable().optional(),
  resolution: z.string().nullable(),
})
const AdminPayment = z.object({
  crypto_payment: z.object({
    id: z.string(),
    status: z.string(),
    amount_due: z.string(),
    amount_received: z.string(),
    amount_remaining: z.string(),
    medusa_captured_at: z.string().nullable(),
  }),
  deposits: z.array(AdminDeposit),
  credits: z.array(z.object({ waas_deposit_id: z.string(), amount: z.string(), entry: z.string().optional(), created_at: z.string() })),
})
const AdminCallback = z.object({
  id: z.string(),
  waas_id: z.string(),
  attempts: z.number(),
  failures: z.number(),
  next_attempt_at: z.string().nullable(),
  last_error: z.string().nullable(),
})

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: (suite) => {
    const { db, container, storefront, payer, eventsFor, admin, placeOrder } = useDepositStore(suite, depositWaas, {
      admin: ADMIN,
      events: { names: [REVERSED_EVENT, "waas.deposit.received"], subscriberPrefix: "deposits-review-spec-" },
    })

    async function storeView(sessionId: string) {
      return (await storefront().get(`/store/waas/payments/${sessionId}`, z.object({ payment: PublicPayment }))).data.payment
    }

    async function adminByOrder(orderId: string) {
      const answer = await admin("GET", `/admin/waas/payments?order_id=${orderId}`)
      expect(answer.status).toBe(200)
      const [one] = z.object({ crypto_payments: z.array(AdminPayment) }).parse(answer.body).crypto_payments
      return one
    }

    async function reviewQueue() {
      const answer = await admin("GET", "/admin/waas/orphans")
      expect(answer.status).toBe(200)
      return z.object({ deposits: z.array(AdminDeposit), count: z.number() }).parse(answer.body)
    }

    async function medusaPayments(sessionId: string) {
      const payments = container().resolve<IPaymentModuleService>(Modules.PAYMENT)
      return payments.listPayments({ payment_session_id: sessionId })
    }

    async function paidAndCaptured(orderId: string) {
      return waitFor(`order ${orderId} paid and captured`, async () => {
        const p = await adminByOrder(orderId)
        return p.crypto_payment.status === "paid" && p.crypto_payment.medusa_captured_at ? p : null
      })
    }

    async function cursor(): Promise<string> {
      const [c] = await rows<{ max_id: string }>(db(), `SELECT max_id FROM waas_sync_cursor WHERE name = 'deposits'`)
      return c.max_id
    }

    it("a credited deposit the WaaS later reports failed is reversed: a reversing entry, the shortfall, an event, a review entry, Medusa's payment flagged", async () => {
      const { orderId, sessionId, payment } = await placeOrder()
      const depositId = payer().send(payment.address, payment.amount_due)
      await payer().acknowledged(depositId)
      const paid = await paidAndCaptured(orderId)
      const [credit] = await rows<Record<string, unknown>>(db(), `SELECT * FROM waas_deposit_credit WHERE waas_deposit_id = ?`, [String(depositId)])

      // the WaaS takes the money back (status 1, then 2) and says so in a second notification
      sim().control.reverseDeposit(depositId)
      await waitFor("the reversal's acknowledgement", () => payer().deliveries(depositId).filter((d) => d.acknowledged).length === 2)
      await inboxSettled(db())

      const after = await adminByOrder(orderId)
      expect(after.crypto_payment).toMatchObject({
        status: "reversed",
        amount_received: "0",
        amount_remaining: payment.amount_due,
        medusa_captured_at: paid.crypto_payment.medusa_captured_at,
      })
      expect(after.deposits).toEqual([expect.objectContaining({ waas_deposit_id: String(depositId), status: "reversed", waas_status: 2 })])
      // append-only: the credit row is untouched and a reversing entry follows it
      expect(after.credits.map((c) => [c.entry, c.amount])).toEqual([
        ["credit", payment.amount_due],
        ["reversal", payment.amount_due],
      ])
      const [creditAfter] = await rows<Record<string, unknown>>(db(), `SELECT * FROM waas_deposit_credit WHERE id = ?`, [credit.id])
      expect(creditAfter).toEqual(credit)
      expect(await storeView(sessionId)).toMatchObject({ status: "reversed", amount_received: "0", amount_remaining: payment.amount_due })

      // the admin is told: the review queue, the event, and a flag on Medusa's captured payment
      const queued = (await reviewQueue()).deposits.find((d) => d.waas_deposit_id === String(depositId))
      expect(queued).toMatchObject({ status: "reversed", review_reason: expect.stringMatching(/status 2/) })
      await waitFor("the reversed event", () => eventsFor(depositId).includes(REVERSED_EVENT))
      const [medusaPayment, ...others] = await medusaPayments(sessionId)
      expect(others).toEqual([])
      expect(medusaPayment.captured_at).toBeTruthy()
      // Medusa's Payment has a metadata column that PaymentDTO does not declare
      expect((medusaPayment as { metadata?: Record<string, unknown> | null }).metadata?.waas_reversal).toMatchObject({
        crypto_payment_id: paid.crypto_payment.id,
        waas_deposit_ids: [String(depositId)],
        amount_remaining: payment.amount_due,
      })

      // the shopper pays the shortfall to the same address: paid again, no second Medusa capture, the flag updated
      const topUp = payer().send(payment.address, payment.amount_due)
      await payer().acknowledged(topUp)
      await inboxSettled(db())
      await waitFor("the payment paid again", async () => (await adminByOrder(orderId)).crypto_payment.status === "paid")
      const [again, ...more] = await medusaPayments(sessionId)
      expect(more).toEqual([])
      expect(again.id).toBe(medusaPayment.id)
      await waitFor("the flag updated", async () => {
        const [p] = await medusaPayments(sessionId)
        const flag = (p as { metadata?: Record<string, { status?: string; amount_remaining?: string }> | null }).metadata?.waas_reversal
        return flag?.status === "paid" && flag.amount_remaining === "0"
      })

      // once the admin has dealt with the order, acknowledging the reversal takes it off the queue
      const ack = await admin("POST", `/admin/waas/orphans/${queued!.id}/resolve`, { action: "acknowledge", note: "order put on hold" })
      expect(ack.status).toBe(200)
      expect(ack.body).toMatchObject({ deposit: { status: "reversed", resolution: "acknowledged" } })
      expect((await reviewQueue()).deposits.map((d) => d.id)).not.toContain(queued!.id)
    })

    it("attach re-reads the deposit from the WaaS: a held deposit the WaaS has since marked failed is refused and nothing changes", async () => {
      const { orderId, sessionId, payment } = await placeOrder()
      // the quote expired 10 minutes before the transfer: held for an admin (latePaymentPolicy "hold")
      const now = sim().clock.now()
      await db().raw(`UPDATE waas_crypto_payment SET expires_at = ?, monitor_until = ? WHERE payment_session_id = ?`, [
        new Date(now - 10 * 60_000),
        new Date(now + 50 * 60_000),
        sessionId,
      ])
      const depositId = payer().send(payment.address, payment.amount_due)
      await payer().acknowledged(depositId)
      await inboxSettled(db())
      const [held] = (await adminByOrder(orderId)).deposits
      expect(held).toMatchObject({ status: "held" })

      // the WaaS marks it failed; its notification is lost, so only a fresh read can tell
      sim().control.setFaults({ notify: { drop: {} } })
      sim().control.reverseDeposit(depositId)
      const before = await ledgerSnapshot(db())
      for (const action of ["attach", "mark_for_refund"] as const) {
        const refused = await admin("POST", `/admin/waas/orphans/${held.id}/resolve`, { action })
        expect({ action, status: refused.status }).toEqual({ action, status: 400 })
        expect(String(refused.body?.message)).toMatch(new RegExp(`^deposit ${held.id} cannot be .*: the WaaS reports status 2 \\(failed\\)`))
      }
      expect(await ledgerSnapshot(db())).toEqual(before)
      expect((await adminByOrder(orderId)).deposits).toEqual([expect.objectContaining({ id: held.id, status: "held", resolution: null })])
      expect(await medusaPayments(sessionId)).toEqual([])
    })

    it("a sync record with an undocumented status (3) is parked for review; the cursor moves on; a corrected record is credited later", async () => {
      const bad = await placeOrder()
      const good = await placeOrder()
      sim().control.setFaults({ notify: { drop: {} } }) // every callback lost: only the poller sees these
      const badId = payer().send(bad.payment.address, bad.payment.amount_due)
      const goodId = payer().send(good.payment.address, good.payment.amount_due)
      sim().control.setFaults({ endpoints: { "*": { patchRecords: { ids: [badId], set: { status: 3 } } } } })

      const report = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(report.sync).toMatchObject({ records: 2, failed: 0, parked: 1, cursor_to: String(goodId) })
      expect(await cursor()).toBe(String(goodId))
      await paidAndCaptured(good.orderId)
      const parked = (await reviewQueue()).deposits.find((d) => d.waas_deposit_id === String(badId))
      expect(parked).toMatchObject({ status: "needs_review", review_reason: expect.stringMatching(/status 3/) })
      expect((await adminByOrder(bad.orderId)).crypto_payment).toMatchObject({ status: "awaiting_payment", amount_received: "0" })

      // the WaaS's record reads normally again: the next poll re-reads the parked deposit and credits it
      sim().control.setFaults({ endpoints: null })
      const again = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(again.recheck.failed).toBe(0)
      await paidAndCaptured(bad.orderId)
      expect((await reviewQueue()).deposits.map((d) => d.waas_deposit_id)).not.toContain(String(badId))
    })

    it("a sync record with a malformed amount is parked for review; the records after it are still credited", async () => {
      const bad = await placeOrder()
      const good = await placeOrder()
      sim().control.setFaults({ notify: { drop: {} } })
      const badId = payer().send(bad.payment.address, bad.payment.amount_due)
      const goodId = payer().send(good.payment.address, good.payment.amount_due)
      sim().control.setFaults({ endpoints: { "*": { patchRecords: { ids: [badId], set: { amount: "1,5" } } } } })

      const report = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(report.errors).toEqual([])
      expect(report.sync).toMatchObject({ failed: 0, parked: 1, cursor_to: String(goodId) })
      await paidAndCaptured(good.orderId)
      const parked = (await reviewQueue()).deposits.find((d) => d.waas_deposit_id === String(badId))
      expect(parked).toMatchObject({ status: "needs_review", review_reason: expect.stringMatching(/amount/) })
      expect((await adminByOrder(bad.orderId)).crypto_payment).toMatchObject({ status: "awaiting_payment", amount_received: "0" })
    })

    it("the inbox sweep goes on past entries that keep failing: each is retried with backoff and listed by the admin API", async () => {
      const orders = []
      for (let i = 0; i < 5; i++) orders.push(await placeOrder())
      // the WaaS refuses every deposit read for now: each callback is recorded and acknowledged, its processing fails
      const refused = { plaintextError: { code: "100007" } }
      sim().control.setFaults({ endpoints: { depositList: refused, syncDepositList: refused } })
      const ids: number[] = []
      for (const o of orders) {
        const id = payer().send(o.payment.address, o.payment.amount_due)
        await payer().acknowledged(id)
        ids.push(id)
      }
      // the subscriber tries each callback four times, then leaves it to the poller
      await waitFor("every callback's processing to have given up", async () => {
        const [r] = await rows<{ n: string }>(
          db(),
          `SELECT count(*) AS n FROM waas_callback_inbox WHERE attempts >= 4 AND processing_until IS NULL AND processed_count < received_count`,
        )
        return Number(r.n) === 5
      }, { timeoutMs: 60_000 })

      // the three oldest keep failing once more; the two behind them must not wait for them
      sim().control.setFaults({ endpoints: { depositList: { plaintextError: { code: "100007", times: 3 } } } })
      const first = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(first.inbox).toMatchObject({ processed: 2, failed: 3 })
      for (const o of orders.slice(3)) await paidAndCaptured(o.orderId)

      const failing = await admin("GET", "/admin/waas/inbox?state=failing")
      expect(failing.status).toBe(200)
      const listed = z.object({ callbacks: z.array(AdminCallback), count: z.number() }).parse(failing.body)
      expect(listed.callbacks.map((c) => c.waas_id).sort()).toEqual(ids.slice(0, 3).map(String).sort())
      for (const c of listed.callbacks) {
        expect(c).toMatchObject({ failures: 2, last_error: expect.stringMatching(/100007/) })
        expect(new Date(c.next_attempt_at!).getTime()).toBeGreaterThan(Date.now())
      }

      // not due yet: the next sweep leaves them alone
      const second = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(second.inbox).toMatchObject({ processed: 0, failed: 0 })

      // once their backoff has elapsed (moved forward here, as other specs move quotes), they are credited
      await db().raw(`UPDATE waas_callback_inbox SET next_attempt_at = now() - interval '1 second' WHERE next_attempt_at IS NOT NULL`)
      const third = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(third.inbox).toMatchObject({ processed: 3, failed: 0 })
      for (const o of orders.slice(0, 3)) await paidAndCaptured(o.orderId)
      expect(z.object({ callbacks: z.array(AdminCallback) }).parse((await admin("GET", "/admin/waas/inbox?state=failing")).body).callbacks).toEqual([])
    })
  },
})
