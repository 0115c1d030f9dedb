import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { MedusaContainer } from "@medusajs/framework/types"
import { z } from "@medusajs/framework/zod"
import { WAAS_MODULE } from "../../src/modules/waas"
import type WaasModuleService from "../../src/modules/waas/service"
import { rows, SimulatedPayer, waitFor, useDepositWaas, PublicPayment, type Sql } from "../helpers/deposits"
import { RefillGuard } from "../helpers/refill-guard"
import { runWhenFree } from "../helpers/when-free"
import { seedStore, WAAS_PROVIDER_ID, type SeededStore } from "../helpers/seed-store"
import {
  completeCart,
  DEMO_CUSTOMER,
  prepareCart,
  startCryptoPaymentSession,
  StoreApiError,
  Storefront,
  type StorePaymentCollectionType,
} from "../helpers/storefront"

jest.setTimeout(240_000)

/**
 * An anonymous storefront client trying to use up the merchant's WaaS users (they can never be deleted):
 * re-creating one cart's payment session over and over, and opening many carts on an empty pool. The
 * store must hand one cart one address, register at most the live-fetch budget (5 a minute, the default)
 * outside the refill job, answer the rest with a 503 naming the cause, and still take a real shopper's
 * money once the refill job has filled the pool.
 */
const REPO_ROOT = join(__dirname, "..", "..")
const SYMBOL = "USDTERC20"
/** the documented default of liveFetchBudgetPerMinute */
const LIVE_BUDGET = 5
const NO_ADDRESS = /^no deposit address available right now for USDTERC20: /

// the pool starts empty in every test: only the refill job (called by hand) ever fills it
const { merchantKeys, merchant, sim } = useDepositWaas({ usdtPool: 3 })

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: ({ api, getContainer, dbConnection }) => {
    let seeded: SeededStore
    const db = (): Sql => dbConnection as Sql
    const container = (): MedusaContainer => getContainer()
    const waas = (): WaasModuleService => container().resolve<WaasModuleService>(WAAS_MODULE)
    const baseUrl = (): string => String(api.defaults.baseURL)
    const storefront = () => new Storefront({ baseUrl: baseUrl(), publishableKey: seeded.publishableKey })

    beforeAll(async () => {
      seeded = await seedStore(container())
      sim().control.addMerchant({
        appId: merchant.appId,
        merchantPublicKey: merchantKeys.publicKey,
        notifyUrl: `${baseUrl()}/hooks/waas/notify`,
      })
    })

    // The scheduled refill (every 5 minutes, every coin) would register WaaS users in the middle of a count,
    // or fill the pool under a test that needs it empty. The test holds the refill's own advisory lock, so
    // a scheduled run finds "another refill run holds the lock" and does nothing.
    const refillGuard = new RefillGuard(() => dbConnection as Knex)

    beforeEach(async () => {
      sim().control.clearFaults()
      await refillGuard.hold()
      // a scheduled run that slipped in between the database restore and the lock: the pool starts empty
      await (dbConnection as Knex).raw(`DELETE FROM waas_pool_address WHERE status = 'available'`)
    })

    afterEach(async () => {
      await refillGuard.release()
    })

    /** WaaS users the simulator has registered so far (it outlives the database restores) */
    const waasUsers = (): number => sim().control.getState().users.length

    let cartSerial = 0
    /**
     * n carts, each with a payment collection. A cart a shopper will complete (`checkout`) gets addresses
     * and shipping as at a real checkout; the abuser's carts get only what a payment session needs
     * (a region, an email, a line item), as a client out to take addresses would send.
     */
    async function carts(n: number, { checkout = false } = {}) {
      const store = storefront()
      const made: Array<{ cartId: string; collectionId: string }> = []
      // a few at a time: the shop front-end of one client, not a load test of cart creation (each cart
      // its own guest email: Medusa races creating one guest customer from parallel carts)
      for (let i = 0; i < n; i += 6) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(6, n - i) }, () => {
            const customer = { ...DEMO_CUSTOMER, email: `client-${cartSerial++}@example.com` }
            return checkout ? prepareCart(store, { regionId: seeded.regionId, variantId: seeded.variantId, customer }) : bareCart(store, customer.email)
          }),
        )
        made.push(...batch.map((b) => ({ cartId: b.cart.id, collectionId: b.paymentCollection.id })))
      }
      return made
    }

    async function bareCart(store: Storefront, email: string) {
      const created = await store.post("/store/carts", { region_id: seeded.regionId, email }, z.object({ cart: z.object({ id: z.string() }) }))
      const cart = created.data.cart
      await store.post(`/store/carts/${cart.id}/line-items`, { variant_id: seeded.variantId, quantity: 1 }, z.unknown())
      const collection = await store.post("/store/payment-collections", { cart_id: cart.id }, z.object({ payment_collection: z.object({ id: z.string() }) }))
      return { cart, paymentCollection: collection.data.payment_collection }
    }

    function waasSession(collection: StorePaymentCollectionType) {
      const sessions = (collection.payment_sessions ?? []).filter((s) => s.provider_id === WAAS_PROVIDER_ID)
      expect(sessions).toHaveLength(1)
      return { id: sessions[0].id, payment: PublicPayment.parse(sessions[0].data) }
    }

    /** a refused session: 503 with the cause, never a 500 */
    function expectNoAddressAnswer(failure: unknown): void {
      expect(failure).toBeInstanceOf(StoreApiError)
      const e = failure as StoreApiError
      expect({ status: e.status, message: e.medusaMessage }).toEqual({ status: 503, message: expect.stringMatching(NO_ADDRESS) })
    }

    it("30 re-creations of one cart's payment session show one address and register at most the budget", async () => {
      const store = storefront()
      const [cart] = await carts(1, { checkout: true })
      const usersBefore = waasUsers()

      const shown: string[] = []
      let last = ""
      for (let i = 0; i < 30; i++) {
        const started = await startCryptoPaymentSession(store, cart.collectionId, SYMBOL)
        const session = waasSession(started.data.payment_collection)
        shown.push(session.payment.address)
        last = session.id
      }
      expect(new Set(shown).size).toBe(1)
      const registered = waasUsers() - usersBefore
      expect(registered).toBeLessThanOrEqual(LIVE_BUDGET)
      // the pool was empty: the first session fetched one address live, the other 29 reused it
      expect(registered).toBe(1)

      // the live session shows that address, and it is the only one out of the pool for this cart
      const view = await store.get(`/store/waas/payments/${last}`, z.object({ payment: PublicPayment }))
      expect(view.data.payment).toMatchObject({ address: shown[0], status: "awaiting_payment" })
      const held = await rows<{ address: string; status: string }>(
        db(),
        `SELECT address, status FROM waas_pool_address WHERE status <> 'available' AND deleted_at IS NULL`,
      )
      expect(held).toEqual([{ address: shown[0], status: "assigned" }])

      // the shopper pays the address it was shown, and the cart's live payment gets the money
      await completeCart(store, cart.cartId)
      const payer = new SimulatedPayer(sim())
      const deposit = payer.send(view.data.payment.address, view.data.payment.amount_due)
      await payer.acknowledged(deposit)
      await waitFor("the cart's live payment to be paid and captured", async () => {
        const p = await waas().retrievePaymentBySession(last)
        return p?.status === "paid" && p.medusa_captured_at !== null
      })
    })

    it("30 carts from one client on an empty pool: at most the budget is registered, the rest get a 503 naming the cause", async () => {
      const store = storefront()
      const all = await carts(30)
      const usersBefore = waasUsers()

      const outcomes: Array<{ ok: true; address: string } | { ok: false; error: unknown }> = []
      for (const cart of all) {
        try {
          const started = await startCryptoPaymentSession(store, cart.collectionId, SYMBOL)
          outcomes.push({ ok: true, address: waasSession(started.data.payment_collection).payment.address })
        } catch (error) {
          outcomes.push({ ok: false, error })
        }
      }
      const registered = waasUsers() - usersBefore
      expect(registered).toBeLessThanOrEqual(LIVE_BUDGET)
      const served = outcomes.flatMap((o) => (o.ok ? [o.address] : []))
      expect(served).toHaveLength(registered)
      expect(new Set(served).size).toBe(served.length)
      for (const o of outcomes) if (!o.ok) expectNoAddressAnswer(o.error)
      expect(outcomes.filter((o) => !o.ok)).toHaveLength(30 - registered)
      // the 30 requests take seconds: one budget minute, so exactly the budget was fetched live
      expect(registered).toBe(LIVE_BUDGET)

      // what a storefront receives: 503, Retry-After, Medusa's error body with the cause
      const refused = all[all.length - 1]
      const raw = await fetch(new URL(`/store/payment-collections/${refused.collectionId}/payment-sessions`, baseUrl()), {
        method: "POST",
        headers: { "x-publishable-api-key": seeded.publishableKey, "content-type": "application/json" },
        body: JSON.stringify({ provider_id: WAAS_PROVIDER_ID, data: { symbol: SYMBOL } }),
      })
      expect(raw.status).toBe(503)
      expect(raw.headers.get("retry-after")).toBe("60")
      expect(await raw.json()).toEqual({
        type: "unexpected_state",
        code: "waas_no_deposit_address",
        message: expect.stringMatching(NO_ADDRESS),
      })
      expect(waasUsers() - usersBefore).toBe(LIVE_BUDGET)
    })

    it("a real shopper still checks out and pays once the refill job has filled the pool, whatever the abuse", async () => {
      const store = storefront()
      const abuse = await carts(LIVE_BUDGET + 2)
      const refused: unknown[] = []
      for (const cart of abuse) {
        await startCryptoPaymentSession(store, cart.collectionId, SYMBOL).catch((e) => refused.push(e))
      }
      // the budget is spent: a checkout on the empty pool is refused
      expect(refused).toHaveLength(2)
      for (const e of refused) expectNoAddressAnswer(e)

      // the refill job is the one path that registers users in bulk
      await refillGuard.release()
      const refill = await runWhenFree(() => waas().refillPool({ symbols: [SYMBOL] }))
      expect(refill.coins[0]).toMatchObject({ symbol: SYMBOL, after: 3, errors: [] })
      await refillGuard.hold()
      expect((await waas().listPoolAddresses({ symbol: SYMBOL, status: "available" })).length).toBe(3)

      const usersBefore = waasUsers()
      const [shopper] = await carts(1, { checkout: true })
      const started = await startCryptoPaymentSession(store, shopper.collectionId, SYMBOL)
      const session = waasSession(started.data.payment_collection)
      // served from the pool: no WaaS user registered at checkout
      expect(waasUsers()).toBe(usersBefore)
      const completed = await completeCart(store, shopper.cartId)

      const payer = new SimulatedPayer(sim())
      const deposit = payer.send(session.payment.address, session.payment.amount_due)
      await payer.acknowledged(deposit)
      await waitFor("the shopper's order to be paid", async () => {
        const order = await store.get(
          `/store/orders/${completed.data.order.id}?fields=+payment_status`,
          z.object({ order: z.object({ payment_status: z.string() }) }),
        )
        return order.data.order.payment_status === "captured"
      })
    })

    it("a concurrent burst on an empty pool: each live-fetched address serves the checkout that fetched it, the rest get a 503", async () => {
      const store = storefront()
      const burst = await carts(12)
      const usersBefore = waasUsers()

      const results = await Promise.allSettled(
        burst.map((cart) => startCryptoPaymentSession(store, cart.collectionId, SYMBOL)),
      )
      const registered = waasUsers() - usersBefore
      expect(registered).toBeLessThanOrEqual(LIVE_BUDGET)
      const served = results.flatMap((r) => (r.status === "fulfilled" ? [waasSession(r.value.data.payment_collection)] : []))
      // every address registered for this burst went to a shopper of the burst: none was lost to a race
      expect(served).toHaveLength(registered)
      expect(registered).toBe(LIVE_BUDGET)
      for (const r of results) if (r.status === "rejected") expectNoAddressAnswer(r.reason)

      // each served session's payment holds exactly the address its shopper was shown
      for (const s of served) {
        const p = await waas().retrievePaymentBySession(s.id)
        expect(p?.address).toBe(s.payment.address)
        const [pooled] = await waas().listPoolAddresses({ id: p!.pool_address_id })
        expect(pooled).toMatchObject({ status: "assigned", crypto_payment_id: p!.id })
      }
      expect(new Set(served.map((s) => s.payment.address)).size).toBe(served.length)
    })
  },
})
