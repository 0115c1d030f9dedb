import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import { adminRequest, answerOpenNotifications, checkoutInCrypto, paymentView } from "../helpers/deposit-store"
import { runWhenFree } from "../helpers/when-free"
import type { Event, IEventBusModuleService, IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { WaasClient } from "../../src/client"
import { withdrawNotification } from "../../simulator/records"
import { sealConfirmationRequest, sealNotification } from "../../src/protocol"
import { WAAS_MODULE } from "../../src/modules/waas"
import type WaasModuleService from "../../src/modules/waas/service"
import { WithdrawalEvents } from "../../src/modules/waas/withdrawals/withdrawal-events"
import { runWithdrawalPoll } from "../../src/workflows/withdrawals/runners/run-withdrawal-poll"
import { adminLogin, createAdminUser, postNotification, rows, SimulatedPayer, waitFor, type Sql } from "../helpers/deposits"
import { TREASURY_FUNDS, useRefundWaas, withdrawInboxSettled } from "../helpers/refunds"
import { seedStore, type SeededStore } from "../helpers/seed-store"
import { Storefront } from "../helpers/storefront"

jest.setTimeout(180_000)

/**
 * Money back out, end to end: a real Medusa and the WaaS simulator over HTTP. A paid order is refunded
 * through /admin/waas/withdrawals: requested by one admin, approved by another, sent to the WaaS, which
 * asks /hooks/waas/withdraw-confirm before it pays, reports the outcome by callback (or the poller finds
 * it), and only then does Medusa record the refund, once. The treasury pays through the company account.
 */
const REPO_ROOT = join(__dirname, "..", "..")
const SYMBOL = "USDTERC20"
const SHOPPER = "0x52908400098527886E0F7030069857D2E4169EE7"
const REQUESTER = { email: "clerk@example.com", password: randomBytes(12).toString("base64url") }
const APPROVER = { email: "treasurer@example.com", password: randomBytes(12).toString("base64url") }

const { merchantKeys, merchant, sim, treasuryUid } = useRefundWaas({ usdtPool: 20 })

const Withdrawal = z.looseObject({
  id: z.string(),
  request_id: z.string(),
  status: z.string(),
  refund_amount: z.string(),
  amount: z.string(),
  fiat_amount: z.string().nullable(),
  failure_code: z.string().nullable(),
  failure_reason: z.string().nullable(),
  withdraw_fee: z.string().nullable(),
  real_fee: z.string().nullable(),
  txid: z.string().nullable(),
  medusa_refunded_at: z.string().nullable(),
})
type WithdrawalView = z.infer<typeof Withdrawal>

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: ({ api, getContainer, dbConnection }) => {
    let seeded: SeededStore
    let requester: Record<string, string>
    let approver: Record<string, string>
    const db = (): Sql => dbConnection as Sql
    const container = (): MedusaContainer => getContainer()
    const waas = (): WaasModuleService => container().resolve<WaasModuleService>(WAAS_MODULE)
    const baseUrl = (): string => String(api.defaults.baseURL)
    const storefront = () => new Storefront({ baseUrl: baseUrl(), publishableKey: seeded.publishableKey })
    const payer = () => new SimulatedPayer(sim())

    /** the plugin's withdrawal events, as a store's subscribers receive them */
    const events: Array<{ name: string; data: Record<string, string> }> = []

    beforeAll(async () => {
      seeded = await seedStore(container())
      const eventBus = container().resolve<IEventBusModuleService>(Modules.EVENT_BUS)
      for (const name of Object.values(WithdrawalEvents)) {
        eventBus.subscribe(name, async (event: Event) => {
          events.push({ name: event.name, data: event.data as Record<string, string> })
        }, { subscriberId: `refunds-spec-${name}` })
      }
      await waas().refillPool()
      await waas().depositPoll().markRun()
      await waas().withdrawals().poll.markRun()
      await createAdminUser(container(), REQUESTER.email, REQUESTER.password)
      await createAdminUser(container(), APPROVER.email, APPROVER.password)
      sim().control.addMerchant({
        appId: merchant.appId,
        merchantPublicKey: merchantKeys.publicKey,
        notifyUrl: `${baseUrl()}/hooks/waas/notify`,
        confirmUrl: `${baseUrl()}/hooks/waas/withdraw-confirm`,
        payoutUid: treasuryUid(),
      })
      sim().control.fund("company", SYMBOL, TREASURY_FUNDS, merchant.appId)
    })

    beforeEach(async () => {
      sim().control.clearFaults()
      const state = sim().control.getState()
      const newest = (ids: number[]) => String(Math.max(0, ...ids))
      await db().raw(`UPDATE waas_sync_cursor SET max_id = ? WHERE name = 'deposits'`, [newest(state.deposits.map((d) => d.id))])
      await waas().withdrawals().poll.cursor() // creates the withdrawals cursor in the restored database
      await db().raw(`UPDATE waas_sync_cursor SET max_id = ? WHERE name = 'withdrawals'`, [newest(state.withdrawals.map((w) => w.id))])
      requester ??= await adminLogin(baseUrl(), REQUESTER.email, REQUESTER.password)
      approver ??= await adminLogin(baseUrl(), APPROVER.email, APPROVER.password)
    })

    afterEach(async () => {
      await answerOpenNotifications(sim(), db())
      await withdrawInboxSettled(db())
    })

    const admin = (method: "GET" | "POST", path: string, body: unknown, headers: Record<string, string>) =>
      adminRequest(baseUrl(), headers, method, path, body)

    /** a storefront checkout paid in full through the simulator, captured in Medusa */
    async function paidOrder() {
      const store = storefront()
      const { orderId, sessionId, total } = await checkoutInCrypto(store, seeded)
      const owed = await paymentView(store, sessionId)
      payer().send(owed.address, owed.amount_due)
      const paid = await waitFor(`payment session ${sessionId} captured`, async () => {
        const p = await waas().retrievePaymentBySession(sessionId)
        return p && p.medusa_captured_at ? p : null
      })
      return { orderId, sessionId, payment: paid, total: String(total) }
    }

    async function requestRefund(body: Record<string, unknown>) {
      const r = await admin("POST", "/admin/waas/withdrawals", { source: "payment", reason: "returned", destination: { address: SHOPPER }, ...body }, requester)
      if (r.status !== 201) throw new Error(`refund request failed: ${r.status} ${JSON.stringify(r.body)}`)
      return Withdrawal.parse(r.body!.withdrawal)
    }

    async function approve(id: string): Promise<WithdrawalView> {
      const r = await admin("POST", `/admin/waas/withdrawals/${id}/approve`, {}, approver)
      if (r.status !== 200) throw new Error(`approval failed: ${r.status} ${JSON.stringify(r.body)}`)
      return Withdrawal.parse(r.body!.withdrawal)
    }

    async function withdrawal(id: string): Promise<{ withdrawal: WithdrawalView; audit: Array<{ action: string; source: string }> }> {
      const r = await admin("GET", `/admin/waas/withdrawals/${id}`, undefined, approver)
      return { withdrawal: Withdrawal.parse(r.body!.withdrawal), audit: r.body!.audit as Array<{ action: string; source: string }> }
    }

    const refundRecorded = (id: string) =>
      waitFor(`withdrawal ${id} completed and recorded in Medusa`, async () => {
        const w = (await withdrawal(id)).withdrawal
        return w.status === "completed" && w.medusa_refunded_at ? w : null
      })

    async function medusaRefunds(sessionId: string) {
      const payments = container().resolve<IPaymentModuleService>(Modules.PAYMENT)
      const [payment] = await payments.listPayments({ payment_session_id: sessionId }, { relations: ["refunds"] })
      return { payment, refunds: payment?.refunds ?? [] }
    }

    async function orderTotals(orderId: string) {
      const query = container().resolve(ContainerRegistrationKeys.QUERY)
      const { data } = await query.graph({
        entity: "order",
        fields: ["id", "status", "summary.*", "payment_collections.status", "payment_collections.refunded_amount", "payment_collections.captured_amount"],
        filters: { id: orderId },
      })
      return data[0] as unknown as {
        status: string
        summary: { refunded_total: number }
        payment_collections: Array<{ status: string; refunded_amount: number; captured_amount: number }>
      }
    }

    const simWithdrawals = (requestId: string) => sim().control.getState().withdrawals.filter((w) => w.requestId === requestId)

    it("a full refund: requested, approved by another admin, confirmed, paid, and one Medusa refund of the whole amount", async () => {
      const { orderId, sessionId, payment, total } = await paidOrder()
      expect({ total, due: payment.amount_due }).toEqual({ total: "34.99", due: "35.000501" }) // 34.99 / 0.9997, rounded up
      const requested = await requestRefund({ order_id: orderId, fiat_amount: total })
      // the same fiat at the locked rate, rounded DOWN; the 3 USDT service fee on top (the merchant bears it)
      expect(requested).toMatchObject({ status: "requested", refund_amount: "35.0005", amount: "38.0005", fiat_amount: "34.99" })

      const submitted = await approve(requested.id)
      expect(submitted.status).toBe("submitted")
      const [atWaas] = simWithdrawals(requested.request_id)
      expect(atWaas).toMatchObject({ amount: submitted.amount, addressTo: SHOPPER, uid: treasuryUid(), status: 0 })
      // the WaaS asked us before paying, and we confirmed with its check_sum
      const [confirmation] = sim().control.confirmations().filter((c) => c.requestId === requested.request_id)
      expect(confirmation).toMatchObject({ outcome: "approved" })

      sim().control.setWithdrawalOutcome(requested.request_id, 5, { realFee: "0.0012" })
      const done = await refundRecorded(requested.id)
      expect(done).toMatchObject({ withdraw_fee: "3", real_fee: "0.0012", fiat_amount: total })
      expect(done.txid).toMatch(/^0x[0-9a-f]{64}$/)

      const { refunds } = await medusaRefunds(sessionId)
      expect(refunds).toHaveLength(1)
      expect(Number(refunds[0].amount)).toBe(Number(total))
      const order = await orderTotals(orderId)
      expect(Number(order.summary.refunded_total)).toBe(Number(total))
      expect(Number(order.payment_collections[0].refunded_amount)).toBe(Number(total))

      // announced last, after the refund was recorded
      const announced = await waitFor("the completion to be announced", () => {
        const names = events.filter((e) => e.data.id === requested.id).map((e) => e.name)
        return names.includes("waas.withdrawal.completed") ? names : null
      })
      expect(announced).toEqual([
        "waas.withdrawal.requested",
        "waas.withdrawal.approved",
        "waas.withdrawal.submitted",
        "waas.withdrawal.completed",
      ])
      const { audit } = await withdrawal(requested.id)
      expect(audit.map((a) => a.action)).toEqual([
        "requested",
        "approval",
        "approved",
        "submission_started",
        "second_confirmation_confirmed",
        "submitted",
        "completed",
        "medusa_refund_claimed",
        "medusa_refund_recorded",
      ])
    })

    it("a partial refund: one withdrawal, one Medusa refund of the part; the rest stays refundable", async () => {
      const { orderId, sessionId } = await paidOrder()
      const part = await requestRefund({ order_id: orderId, fiat_amount: "12.5" })
      await approve(part.id)
      sim().control.setWithdrawalOutcome(part.request_id, 5)
      await refundRecorded(part.id)
      const { refunds } = await medusaRefunds(sessionId)
      expect(refunds.map((r) => Number(r.amount))).toEqual([12.5])
      expect(Number((await orderTotals(orderId)).summary.refunded_total)).toBe(12.5)
      expect(simWithdrawals(part.request_id)).toHaveLength(1)
    })

    it("four eyes, rejection and concurrency: 403 for the requester, a rejected request never reaches the WaaS, one of two excessive requests is refused", async () => {
      const { orderId, total } = await paidOrder()
      const r = await requestRefund({ order_id: orderId, fiat_amount: "10" })
      const own = await admin("POST", `/admin/waas/withdrawals/${r.id}/approve`, {}, requester)
      expect(own.status).toBe(403)
      expect(JSON.stringify(own.body)).toMatch(/another admin must approve it/)
      const noReason = await admin("POST", `/admin/waas/withdrawals/${r.id}/reject`, {}, approver)
      expect(noReason.status).toBe(400)
      const rejected = await admin("POST", `/admin/waas/withdrawals/${r.id}/reject`, { reason: "not returned" }, approver)
      expect(rejected.status).toBe(200)
      expect(Withdrawal.parse(rejected.body!.withdrawal).status).toBe("rejected")
      expect(simWithdrawals(r.request_id)).toHaveLength(0)
      expect((await admin("POST", `/admin/waas/withdrawals/${r.id}/approve`, {}, approver)).status).toBe(400)

      const big = String((Number(total) * 0.6).toFixed(2))
      const both = await Promise.all([1, 2].map(() => admin("POST", "/admin/waas/withdrawals", { source: "payment", order_id: orderId, fiat_amount: big, reason: "twice", destination: { address: SHOPPER } }, requester)))
      expect(both.map((b) => b.status).sort()).toEqual([201, 400])
      expect(JSON.stringify(both.find((b) => b.status === 400)!.body)).toMatch(/of this payment is left to refund/)
    })

    it("second confirmation: unknown request_id, altered amount, address, symbol or uid, and a row not being submitted are denied and audited", async () => {
      const { orderId } = await paidOrder()
      const r = await requestRefund({ order_id: orderId, fiat_amount: "10" })
      const genuine = { request_id: r.request_id, from_uid: String(treasuryUid()), to_address: SHOPPER, amount: r.amount, symbol: SYMBOL }
      const post = async (fields: Record<string, string>) => {
        const data = sealConfirmationRequest({ time: Date.now(), charset: "utf-8", version: "2.0", ...fields, check_sum: "cafe0123" }, sim().walletPrivateKey)
        const response = await fetch(new URL("/hooks/waas/withdraw-confirm", baseUrl()), {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ app_id: merchant.appId, data }).toString(),
        })
        return { status: response.status, body: await response.text() }
      }
      // still `requested`: even the exact fields are denied
      expect(await post(genuine)).toEqual({ status: 403, body: "FAILURE" })
      // move the row to submitting as the submission workflow does, without calling the WaaS
      await db().raw(`UPDATE waas_withdrawal SET status = 'submitting', to_address = ? WHERE id = ?`, [SHOPPER, r.id])
      for (const altered of [
        { amount: String(Number(r.amount) + 1) },
        { to_address: "0x000000000000000000000000000000000000dEaD" },
        { symbol: "ETH" },
        { from_uid: String(treasuryUid() + 1) },
        { request_id: "wreq_not_ours" },
      ]) {
        expect(await post({ ...genuine, ...altered })).toEqual({ status: 403, body: "FAILURE" })
      }
      const ok = await post({ ...genuine, amount: `${r.amount}000` })
      expect(ok.status).toBe(200)
      expect(JSON.parse(ok.body)).toEqual({ data: expect.any(String) })
      const audit = await rows<{ action: string; request_id: string }>(
        db(),
        `SELECT action, request_id FROM waas_withdrawal_audit WHERE action LIKE 'second_confirmation%' ORDER BY created_at, id`,
      )
      expect(audit.map((a) => a.action)).toEqual([...Array(6).fill("second_confirmation_denied"), "second_confirmation_confirmed"])
      expect(audit.filter((a) => a.request_id === "wreq_not_ours")).toHaveLength(1)
      await db().raw(`UPDATE waas_withdrawal SET status = 'requested' WHERE id = ?`, [r.id])
    })

    it("a withdraw sent with our key for a request we are not submitting is refused by the WaaS (120206): nothing is paid", async () => {
      const { orderId } = await paidOrder()
      const r = await requestRefund({ order_id: orderId, fiat_amount: "10" })
      const leaked = new WaasClient({ host: sim().url, pathPrefix: sim().pathPrefix, appId: merchant.appId, merchantPrivateKey: merchant.merchantPrivateKey, waasPublicKey: sim().walletPublicKey })
      try {
        for (const request_id of [r.request_id, "wreq_forged"]) {
          const attempt = leaked.withdraw({ request_id, from_uid: treasuryUid(), to_address: "0x000000000000000000000000000000000000dEaD", amount: "50", symbol: SYMBOL })
          await expect(attempt).rejects.toMatchObject({ code: "120206" })
          expect(simWithdrawals(request_id)).toHaveLength(0)
        }
      } finally {
        await leaked.destroy()
      }
      expect(sim().control.getState().withdrawals.filter((w) => w.addressTo.toLowerCase().endsWith("dead"))).toHaveLength(0)
    })

    it("withdraw times out after the WaaS accepted it: exactly one withdrawal at the WaaS, the request submitted", async () => {
      const { orderId } = await paidOrder()
      const r = await requestRefund({ order_id: orderId, fiat_amount: "10" })
      sim().control.setFaults({ endpoints: { withdraw: { hang: { times: 1, phase: "after", ms: 8_000 } } } })
      const submitted = await approve(r.id)
      expect(submitted.status).toBe("submitted")
      expect(simWithdrawals(r.request_id)).toHaveLength(1)
      const { audit } = await withdrawal(r.id)
      expect(audit.filter((a) => a.action === "second_confirmation_confirmed")).toHaveLength(1)
    })

    it("every withdrawal callback lost: the poller completes the refund in one run; the same callback five times records one Medusa refund", async () => {
      const { orderId, sessionId } = await paidOrder()
      // amounts above the WaaS's 10 USDT minimum once its 3 USDT fee is added
      const lost = await requestRefund({ order_id: orderId, fiat_amount: "8" })
      await approve(lost.id)
      sim().control.setFaults({ notify: { drop: {} } })
      sim().control.setWithdrawalOutcome(lost.request_id, 5)
      // the WaaS sends its first attempt a second later: wait until that one is lost too
      const lostWaasId = simWithdrawals(lost.request_id)[0].id
      const dropped = await waitFor("the first withdraw callback, dropped", () =>
        sim().control.deliveries().find((d) => d.side === "withdraw" && d.recordId === lostWaasId && d.dropped),
      )
      const report = await runWhenFree(() => runWithdrawalPoll(container(), { force: true }))
      expect(report.errors).toEqual([])
      expect((await withdrawal(lost.id)).withdrawal).toMatchObject({ status: "completed", medusa_refunded_at: expect.any(String) })
      expect((await medusaRefunds(sessionId)).refunds).toHaveLength(1)
      // the WaaS's retry arrives after the poller finished: it records nothing more
      sim().control.clearFaults()
      await sim().control.redeliver(dropped.notificationId)
      await withdrawInboxSettled(db())
      expect((await medusaRefunds(sessionId)).refunds).toHaveLength(1)

      const repeated = await requestRefund({ order_id: orderId, fiat_amount: "9" })
      await approve(repeated.id)
      sim().control.setFaults({ notify: { duplicate: { times: 1, copies: 5 } } })
      sim().control.setWithdrawalOutcome(repeated.request_id, 5)
      const repeatedWaasId = simWithdrawals(repeated.request_id)[0].id
      await waitFor("five copies of the withdraw callback, each answered SUCCESS", () =>
        sim().control.deliveries().filter((d) => d.side === "withdraw" && d.recordId === repeatedWaasId && d.acknowledged).length === 5,
      )
      await refundRecorded(repeated.id)
      await withdrawInboxSettled(db())
      // and a poll on top changes nothing
      await runWhenFree(() => runWithdrawalPoll(container(), { force: true }))
      const { refunds } = await medusaRefunds(sessionId)
      expect(refunds.map((x) => Number(x.amount)).sort()).toEqual([8, 9])
      const [inbox] = await rows<{ received_count: number }>(db(), `SELECT received_count FROM waas_callback_inbox WHERE side = 'withdraw' AND waas_id = ?`, [
        String(repeatedWaasId),
      ])
      expect(Number(inbox.received_count)).toBe(5)
    })

    it("each WaaS business error ends the request failed with its code and the refundable amount restored", async () => {
      const { orderId, total } = await paidOrder()
      const codes = ["120402", "120403", "120404", "110055", "110037", "900006", "110078", "110087", "110161", "110065", "110004"]
      for (const code of codes) {
        const r = await requestRefund({ order_id: orderId, fiat_amount: total })
        sim().control.setFaults({ endpoints: { withdraw: { plaintextError: { times: 1, code, msg: "refused" } } } })
        const failed = await approve(r.id)
        expect(failed).toMatchObject({ status: "failed", failure_code: code })
        expect(failed.failure_reason).toMatch(/\w+ .*\(WaaS: refused\)$/)
        expect(simWithdrawals(r.request_id)).toHaveLength(0)
      }
      // a natural one from the simulator: below the WaaS's minimum
      const small = await requestRefund({ order_id: orderId, fiat_amount: "2" })
      expect(await approve(small.id)).toMatchObject({ status: "failed", failure_code: "110078" })
      // and the whole amount is still refundable
      const whole = await requestRefund({ order_id: orderId, fiat_amount: total })
      expect(whole.status).toBe("requested")
    })

    it("a callback claiming success is only a hint: the pulled record decides, and a pending one records no refund", async () => {
      const { orderId, sessionId } = await paidOrder()
      const r = await requestRefund({ order_id: orderId, fiat_amount: "10" })
      await approve(r.id)
      const [atWaas] = simWithdrawals(r.request_id)
      // genuinely sealed with the WaaS key (a splice or a leaked key), but claiming status 5 while the WaaS says 0
      const now = String(Date.now())
      const forged = { ...withdrawNotification({ ...atWaas, status: 5 }, { utcOffsetMinutes: 480 }), notify_time: now, time: now }
      const answer = await postNotification(baseUrl(), { app_id: merchant.appId, data: sealNotification(forged, sim().walletPrivateKey) })
      expect(answer.body).toBe("SUCCESS")
      await withdrawInboxSettled(db())
      expect((await withdrawal(r.id)).withdrawal).toMatchObject({ status: "submitted", medusa_refunded_at: null })
      expect((await medusaRefunds(sessionId)).refunds).toHaveLength(0)
    })

    it("an internal transfer (withdraw_type 2) completes in the withdraw answer and is recorded in Medusa at once", async () => {
      const { orderId, sessionId } = await paidOrder()
      const client = new WaasClient({ host: sim().url, pathPrefix: sim().pathPrefix, appId: merchant.appId, merchantPrivateKey: merchant.merchantPrivateKey, waasPublicKey: sim().walletPublicKey })
      let inside: string
      try {
        const other = await client.registerEmail(`custody-${randomBytes(4).toString("hex")}@refunds.invalid`)
        inside = (await client.getDepositAddress(other.uid, SYMBOL)).address
      } finally {
        await client.destroy()
      }
      const r = await requestRefund({ order_id: orderId, fiat_amount: "11", destination: { address: inside } })
      const done = await approve(r.id)
      expect(done).toMatchObject({ status: "completed", medusa_refunded_at: expect.any(String) })
      expect(simWithdrawals(r.request_id)).toMatchObject([{ withdrawType: 2, status: 0 }])
      expect((await medusaRefunds(sessionId)).refunds.map((x) => Number(x.amount))).toEqual([11])
    })

    it("a second-confirmation endpoint too slow for the WaaS: the WaaS refuses (120206) and the request ends failed, nothing paid", async () => {
      const { orderId } = await paidOrder()
      const r = await requestRefund({ order_id: orderId, fiat_amount: "10" })
      sim().control.setFaults({ confirm: { timeoutMs: 300, delay: { times: 1, ms: 400 } } })
      const failed = await approve(r.id)
      expect(failed).toMatchObject({ status: "failed", failure_code: "120206" })
      expect(failed.failure_reason).toMatch(/second-confirmation endpoint did not confirm/)
      expect(simWithdrawals(r.request_id)).toHaveLength(0)
    })

    it("Medusa's refund button and order cancellation create no Refund row without a completed withdrawal", async () => {
      const { orderId, sessionId } = await paidOrder()
      const { payment } = await medusaRefunds(sessionId)
      const button = await admin("POST", `/admin/payments/${payment!.id}/refund`, { amount: 5 }, approver)
      expect(button.status).toBeGreaterThanOrEqual(400)
      expect(JSON.stringify(button.body)).toMatch(/withdrawal flow/)
      expect((await medusaRefunds(sessionId)).refunds).toHaveLength(0)

      const canceled = await admin("POST", `/admin/orders/${orderId}/cancel`, {}, approver)
      expect(canceled.status).toBe(200)
      expect((await medusaRefunds(sessionId)).refunds).toHaveLength(0)
      const opened = await waitFor("a withdrawal request opened by the cancellation", async () => {
        const list = await admin("GET", `/admin/waas/withdrawals?order_id=${orderId}`, undefined, approver)
        return (list.body!.withdrawals as unknown[]).map((w) => Withdrawal.parse(w))[0]
      })
      expect(opened).toMatchObject({ status: "requested", to_address: null, requested_by: null })
      const paymentRow = await waas().retrievePaymentBySession(sessionId)
      expect(opened.refund_amount).toBe(paymentRow!.amount_due)

      // the shopper gets a one-time link (the event carries its token) and gives the address with it
      const asked = await waitFor("waas.refund.address_requested", () => events.find((e) => e.name === "waas.refund.address_requested" && e.data.id === opened.id))
      const giveAddress = (body: Record<string, unknown>) =>
        fetch(new URL(`/store/waas/refunds/${opened.id}/address`, baseUrl()), {
          method: "POST",
          headers: { "content-type": "application/json", "x-publishable-api-key": seeded.publishableKey },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }))
      expect((await giveAddress({ address: SHOPPER, token: "x".repeat(32) })).status).toBe(401)
      expect((await giveAddress({ address: SHOPPER })).status).toBe(401)
      expect((await giveAddress({ address: "0xnot-an-address", token: asked.data.token })).status).toBe(400)
      const given = await giveAddress({ address: SHOPPER, token: asked.data.token })
      expect(given).toMatchObject({ status: 200, body: { refund: { id: opened.id, status: "requested", to_address: SHOPPER, symbol: SYMBOL } } })
      expect((await giveAddress({ address: "0x000000000000000000000000000000000000dEaD", token: asked.data.token })).status).toBe(401)
      expect((await withdrawal(opened.id)).withdrawal).toMatchObject({ to_address: SHOPPER, address_given_by: "shopper" })
    })
  },
})

