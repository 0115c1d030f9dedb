import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import { useDepositStore } from "../helpers/deposit-store"
import { z } from "@medusajs/framework/zod"
import { PublicPayment, rows, useDepositWaas, waitFor } from "../helpers/deposits"
import { FIXED_USD_RATES } from "../helpers/plugin-options"
import { startRateServer, type RateServer } from "../helpers/rate-server"
import { WAAS_PROVIDER_ID } from "../helpers/seed-store"
import { prepareCart, startCryptoPaymentSession } from "../helpers/storefront"

jest.setTimeout(180_000)

/**
 * Payment sessions as an untrusted storefront drives them: Medusa hands the provider the storefront's own
 * `data` on some calls (its cleanup after a failed creation, and the deletion of a session whose creation
 * has not finished), so nothing in that data may make the provider act on another shopper's payment.
 * A real Medusa (the plugin from src/), the WaaS simulator, and a price API the spec can hold, so a
 * checkout can be paused inside the provider's initiatePayment (it quotes first) at a chosen moment.
 */
const REPO_ROOT = join(__dirname, "..", "..")
const SYMBOL = "USDTERC20"

const depositWaas = useDepositWaas({ usdtPool: 6 })

let rateServer: RateServer | undefined
const rates = (): RateServer => {
  if (!rateServer) throw new Error("the rate server starts in the spec's beforeAll")
  return rateServer
}
// after useDepositWaas's beforeAll (registered first) and before Medusa boots: quote through a price API
// this spec can hold, uncached (every checkout asks it), and patient (a held quote must not time out)
beforeAll(async () => {
  rateServer = await startRateServer(FIXED_USD_RATES)
  const options = z.record(z.string(), z.unknown()).parse(JSON.parse(process.env.WAAS_PLUGIN_OPTIONS ?? "{}"))
  process.env.WAAS_PLUGIN_OPTIONS = JSON.stringify({
    ...options,
    rateSource: { type: "http", url: rates().urlTemplate, pricePath: "price", cacheSeconds: 0, timeoutMs: 120_000 },
  })
})
afterAll(async () => {
  await rateServer?.close()
})

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: (suite) => {
    // registered before the store's afterEach (which settles the notifications), so a quote still held is let go first
    afterEach(() => {
      rates().release()
    })
    const { db, waas, seeded, storefront, payer, checkout } = useDepositStore(suite, depositWaas)

    async function view(sessionId: string) {
      const answer = await storefront().get(`/store/waas/payments/${sessionId}`, z.object({ payment: PublicPayment }))
      return answer.data.payment
    }

    /** the shopper pays what the view asks, to the address it shows; resolves once the order is paid */
    async function payAndSeeOrderPaid(sessionId: string, orderId: string) {
      const owed = await view(sessionId)
      const depositId = payer().send(owed.address, owed.amount_due, SYMBOL)
      await payer().acknowledged(depositId)
      await waitFor(`payment session ${sessionId} paid and captured in Medusa`, async () => {
        const p = await waas().retrievePaymentBySession(sessionId)
        return p && p.status === "paid" && p.medusa_captured_at
      })
      const order = await storefront().get(
        `/store/orders/${orderId}?fields=+payment_status`,
        z.object({ order: z.object({ payment_status: z.string() }) }),
      )
      expect(order.data.order.payment_status).toBe("captured")
      expect(await view(sessionId)).toMatchObject({ status: "paid", amount_received: owed.amount_due, amount_remaining: "0" })
    }

    /** the live (not deleted) Medusa payment sessions of a payment collection, with their stored data */
    async function sessionsOf(paymentCollectionId: string) {
      return rows<{ id: string; data: Record<string, unknown> }>(
        db(),
        `SELECT id, data FROM payment_session WHERE payment_collection_id = ? AND deleted_at IS NULL ORDER BY created_at`,
        [paymentCollectionId],
      )
    }

    it("a payment-session request whose data names another shopper's session leaves that payment alone; its shopper still pays", async () => {
      const victim = await checkout()
      const before = await view(victim.sessionId)
      expect(before.status).toBe("awaiting_payment")

      // the attacker, on a cart of their own, writes the victim's session id into the session data
      const store = storefront()
      const { paymentCollection } = await prepareCart(store, { regionId: seeded().regionId, variantId: seeded().variantId })
      const path = `/store/payment-collections/${paymentCollection.id}/payment-sessions`
      const forged = { provider_id: WAAS_PROVIDER_ID, data: { session_id: victim.sessionId, symbol: SYMBOL } }
      const send = () =>
        store.post(path, forged, z.unknown()).then(
          () => "ok",
          (e: Error) => e.message,
        )

      // 1st request: Medusa has stored its session row, with the storefront's data as sent, and waits in
      // the provider's initiatePayment (the quote is held)
      rates().hold()
      const first = send()
      const [pending] = await waitFor("the first session row, its creation waiting on the quote", async () => {
        const found = await sessionsOf(paymentCollection.id)
        return found.length === 1 && rates().held === 1 ? found : null
      })
      expect(pending.data).toEqual(forged.data)

      // 2nd request: replaces the unfinished session, so Medusa deletes it, handing the provider's
      // deletePayment that row's data: the victim's session id
      const second = send()
      await waitFor("the second request to have replaced the first session, whose creation still waits", async () => {
        const found = await sessionsOf(paymentCollection.id)
        // the second quote joins the first one's price request (the rate source asks once per pair)
        return found.length === 1 && found[0].id !== pending.id && rates().held === 1
      })

      // the quotes go through: the first creation finds its row gone and Medusa's cleanup calls
      // deletePayment again with the raw storefront data
      rates().release()
      const outcomes = await Promise.all([first, second])
      expect(outcomes[1]).toBe("ok")

      // the victim's payment is untouched: still awaiting, still holding its address
      expect(await view(victim.sessionId)).toEqual(before)
      const [held] = await waas().listPoolAddresses({ symbol: SYMBOL, address: before.address })
      expect(held).toMatchObject({ status: "assigned" })
      // the attacker's surviving session is about itself, whatever its data claimed
      const [own] = await sessionsOf(paymentCollection.id)
      expect(own.data.session_id).toBe(own.id)
      expect(own.data.address).not.toBe(before.address)

      // and the victim can still pay: the deposit is credited to their order
      await payAndSeeOrderPaid(victim.sessionId, victim.orderId)
    })

    it("a quote that expired after the order was placed: a new payment session on the order's collection quotes afresh, and pays the order", async () => {
      const placed = await checkout()
      // the quote runs out (by the store's clock) before anything arrives
      const expiredAt = new Date(Date.now() - 60_000)
      await db().raw(`UPDATE waas_crypto_payment SET expires_at = ? WHERE payment_session_id = ?`, [expiredAt, placed.sessionId])
      await waas().expireStalePayments()
      expect(await view(placed.sessionId)).toMatchObject({ status: "expired" })

      // what the storefront does (README, "an expired quote"): the same call as at checkout, on the same
      // payment collection; Medusa replaces the session, the provider cancels the expired quote
      const renewed = await startCryptoPaymentSession(storefront(), placed.paymentCollectionId, SYMBOL)
      const sessions = renewed.data.payment_collection.payment_sessions ?? []
      expect(sessions.map((s) => s.provider_id)).toEqual([WAAS_PROVIDER_ID])
      const fresh = sessions[0]
      expect(fresh.id).not.toBe(placed.sessionId)
      const quote = await view(fresh.id)
      expect(quote).toMatchObject({ session_id: fresh.id, status: "awaiting_payment", amount_received: "0" })
      expect(Date.parse(String(fresh.data.expires_at))).toBeGreaterThan(Date.now())
      expect((await waas().retrievePaymentBySession(placed.sessionId))?.status).toBe("canceled")

      await payAndSeeOrderPaid(fresh.id, placed.orderId)
    })
  },
})
