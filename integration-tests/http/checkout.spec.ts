import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import Decimal from "decimal.js"
import { startSimulator, type WaasSimulator } from "../../simulator"
import { WaasClient } from "../../src/client"
import { generateWaasKeyPair } from "../../src/protocol"
import { WAAS_MODULE } from "../../src/modules/waas"
import type WaasModuleService from "../../src/modules/waas/service"
import { findLeaks, type PrivateValues } from "../helpers/no-secrets"
import { waasPluginOptions } from "../helpers/plugin-options"
import { startRateServer, type RateServer } from "../helpers/rate-server"
import { seedStore, WAAS_PROVIDER_ID, type SeededStore } from "../helpers/seed-store"
import {
  completeCart,
  prepareCart,
  startCryptoPaymentSession,
  StoreApiError,
  Storefront,
} from "../helpers/storefront"

jest.setTimeout(120_000)

/**
 * A storefront's whole crypto checkout against a real Medusa (booted once for this file, the plugin
 * loaded from src/) and the WaaS simulator over real HTTP. The database is restored to the seeded
 * template before every `it`; the simulator and the price API live for the whole file.
 */
const REPO_ROOT = join(__dirname, "..", "..")
const SYMBOL = "USDTERC20"
const PRICES = { USDTERC20: "0.9997", BTC: "97123.45", ETH: "fail" } as const

const merchantKeys = generateWaasKeyPair()
const merchant = { appId: randomBytes(16).toString("hex"), merchantPrivateKey: merchantKeys.privateKey }

let simulator: WaasSimulator | null = null
let rates: RateServer | null = null

async function stopSimulator(): Promise<void> {
  const running = simulator
  simulator = null
  await running?.stop()
}

// Top-level hooks run before the runner's own: the simulator must be up, and its URL and keys in
// the environment, before the runner loads medusa-config.ts and boots Medusa with those options.
beforeAll(async () => {
  simulator = await startSimulator({
    port: 0,
    merchants: [{ appId: merchant.appId, merchantPublicKey: merchantKeys.publicKey }],
    clock: "real",
  })
  rates = await startRateServer(PRICES)
  process.env.WAAS_PLUGIN_OPTIONS = JSON.stringify(
    waasPluginOptions(simulator, merchant, {
      rateSource: { type: "http", url: rates.urlTemplate, pricePath: "price" },
    })
  )
})

afterAll(async () => {
  await stopSimulator()
  await rates?.close()
  delete process.env.WAAS_PLUGIN_OPTIONS
})

/** crypto owed for a fiat amount: fiat / price, rounded up to the coin's decimals (merchant's favour) */
function expectedAmountDue(fiat: number, price: string, decimals: number): Decimal {
  return new Decimal(String(fiat)).div(price).toDecimalPlaces(decimals, Decimal.ROUND_UP)
}

const PaymentView = z.object({
  session_id: z.string(),
  status: z.string(),
  symbol: z.string(),
  network: z.string(),
  address: z.string(),
  memo: z.string().nullable(),
  amount_due: z.string(),
  amount_received: z.string(),
  amount_remaining: z.string(),
  expires_at: z.string(),
  payment_uri: z.string(),
  explorer_url: z.string().nullable(),
})

const CoinsBody = z.object({
  coins: z.array(
    z.object({
      symbol: z.string(),
      display_name: z.string(),
      network: z.string(),
      decimals: z.number(),
      indicative_amount: z.string().optional(),
      rate: z.string().optional(),
      rate_at: z.string().optional(),
      quote_error: z.string().optional(),
    })
  ),
})

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: ({ api, getContainer }) => {
    let seeded: SeededStore

    const waas = (): WaasModuleService => getContainer().resolve<WaasModuleService>(WAAS_MODULE)
    const storefront = (): Storefront =>
      new Storefront({ baseUrl: String(api.defaults.baseURL), publishableKey: seeded.publishableKey })

    // Seeded once; the runner snapshots the database after this hook and restores it before each
    // test, so every test starts from this store with a full address pool.
    beforeAll(async () => {
      seeded = await seedStore(getContainer())
      await waas().refillPool()
    })

    async function privateValues(): Promise<PrivateValues> {
      const accounts = await waas().listWaasAccounts({})
      return {
        merchantPrivateKey: merchant.merchantPrivateKey,
        appId: merchant.appId,
        uids: accounts.flatMap((a) => (a.uid ? [a.uid] : [])),
        accountEmails: accounts.map((a) => a.email),
        syntheticEmailDomain: waas().getOptions().syntheticEmailDomain,
      }
    }

    async function expectNoLeaks(label: string, body: unknown): Promise<void> {
      expect({ label, leaks: findLeaks(body, await privateValues()) }).toEqual({ label, leaks: [] })
    }

    /** Storefront steps up to and including the crypto payment session. */
    async function checkoutToPaymentSession(store: Storefront) {
      const { cart, paymentCollection } = await prepareCart(store, {
        regionId: seeded.regionId,
        variantId: seeded.variantId,
      })
      const started = await startCryptoPaymentSession(store, paymentCollection.id, SYMBOL)
      const session = started.data.payment_collection.payment_sessions?.find(
        (s) => s.provider_id === WAAS_PROVIDER_ID
      )
      if (!session) throw new Error("the payment collection came back without a WaaS session")
      return { cart, paymentCollection, session, sessionResponse: started.raw }
    }

    it("completes a USDTERC20 checkout into an order awaiting payment, with only public data in the session", async () => {
      const store = storefront()
      const { cart, session, sessionResponse } = await checkoutToPaymentSession(store)

      expect(String(cart.total)).toBe(new Decimal(String(seeded.variantPrice)).plus(seeded.shippingPrice).toString())
      // every public field is there (the parse fails otherwise), describing this session
      const data = PaymentView.parse(session.data)
      expect(data).toMatchObject({
        session_id: session.id,
        symbol: SYMBOL,
        network: "ethereum",
        status: "awaiting_payment",
        amount_received: "0",
      })

      // the amount is the cart total at the price API's rate, rounded UP to USDT's 6 decimals
      const due = expectedAmountDue(cart.total, PRICES.USDTERC20, 6)
      expect(due.toString()).toBe("35.000501")
      expect(data.amount_due).toBe(due.toString())
      expect(data.payment_uri).toBe(
        `ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=${data.address}&uint256=35000501`
      )

      // the address is one the WaaS issued to a pooled uid, and that pool entry is now this payment's
      const [pooled] = await waas().listPoolAddresses({ symbol: SYMBOL, address: data.address })
      expect(pooled).toMatchObject({ status: "assigned" })
      const sim = simulator
      if (!sim) throw new Error("the simulator should be running")
      const client = new WaasClient({
        host: sim.url,
        pathPrefix: sim.pathPrefix,
        appId: merchant.appId,
        merchantPrivateKey: merchant.merchantPrivateKey,
        waasPublicKey: sim.walletPublicKey,
      })
      try {
        const atWaas = await client.getDepositAddress(Number(pooled.uid), SYMBOL)
        expect(atWaas.address).toBe(data.address)
      } finally {
        await client.close()
      }

      const completed = await completeCart(store, cart.id)
      expect(completed.data.order.total).toBe(cart.total)

      // pending_authorization: the order exists, its collection waits for the money, nothing captured
      const query = getContainer().resolve(ContainerRegistrationKeys.QUERY)
      const { data: orders } = await query.graph({
        entity: "order",
        fields: [
          "id",
          "payment_collections.status",
          "payment_collections.payments.id",
          "payment_collections.payment_sessions.id",
          "payment_collections.payment_sessions.status",
        ],
        filters: { id: completed.data.order.id },
      })
      const order = z
        .object({
          payment_collections: z.array(
            z.object({
              status: z.string(),
              payments: z.array(z.object({ id: z.string() })),
              payment_sessions: z.array(z.object({ id: z.string(), status: z.string() })),
            })
          ),
        })
        .parse(orders[0])
      expect(order.payment_collections).toEqual([
        {
          status: "awaiting",
          payments: [],
          payment_sessions: [{ id: session.id, status: "pending_authorization" }],
        },
      ])

      const storeOrder = await store.get(
        `/store/orders/${completed.data.order.id}?fields=+payment_status,*payment_collections,*payment_collections.payment_sessions`,
        z.object({ order: z.object({ payment_status: z.string() }) })
      )
      expect(storeOrder.data.order.payment_status).toBe("awaiting")

      await expectNoLeaks("payment session response", sessionResponse)
      await expectNoLeaks("cart completion response", completed.raw)
      await expectNoLeaks("store order response", storeOrder.raw)
    })

    it("GET /store/waas/payments/:session_id returns the session's public view, 404 for an unknown one", async () => {
      const store = storefront()
      const { session } = await checkoutToPaymentSession(store)

      const answer = await store.get(`/store/waas/payments/${session.id}`, z.object({ payment: PaymentView }))
      const { payment } = answer.data
      const fromSession = PaymentView.partial().parse(session.data)
      for (const field of ["symbol", "network", "address", "amount_due", "expires_at", "payment_uri"] as const) {
        expect({ field, value: payment[field] }).toEqual({ field, value: fromSession[field] })
      }
      expect(payment).toMatchObject({
        session_id: session.id,
        status: "awaiting_payment",
        amount_received: "0",
        amount_remaining: payment.amount_due,
      })
      expect(Date.parse(payment.expires_at)).toBeGreaterThan(Date.now())
      await expectNoLeaks("payment view", answer.raw)

      const unknown = await store.get("/store/waas/payments/payses_does_not_exist", z.unknown()).catch((e) => e)
      expect(unknown).toBeInstanceOf(StoreApiError)
      expect((unknown as StoreApiError).status).toBe(404)
      expect((unknown as StoreApiError).medusaMessage).toBe(
        "No crypto payment exists for payment session payses_does_not_exist"
      )

      // like every /store route, it refuses a request without the publishable key
      const anonymous = await fetch(new URL(`/store/waas/payments/${session.id}`, store.baseUrl))
      expect(anonymous.status).toBe(400)
    })

    it("GET /store/waas/coins lists the configured coins, quoting the cart total; a failing price spares the others", async () => {
      const store = storefront()
      const { cart } = await prepareCart(store, { regionId: seeded.regionId, variantId: seeded.variantId })

      const listed = await store.get(`/store/waas/coins?cart_id=${cart.id}`, CoinsBody)
      const bySymbol = new Map(listed.data.coins.map((c) => [c.symbol, c]))
      expect([...bySymbol.keys()]).toEqual(["USDTERC20", "ETH", "BTC"])

      expect(bySymbol.get("USDTERC20")).toMatchObject({
        display_name: "Tether USD (ERC-20)",
        network: "ethereum",
        decimals: 6,
        indicative_amount: expectedAmountDue(cart.total, PRICES.USDTERC20, 6).toString(),
        rate: PRICES.USDTERC20,
      })
      expect(bySymbol.get("BTC")).toMatchObject({
        network: "bitcoin",
        decimals: 8,
        indicative_amount: expectedAmountDue(cart.total, PRICES.BTC, 8).toString(),
        rate: PRICES.BTC,
      })
      const eth = bySymbol.get("ETH")
      expect(eth?.indicative_amount).toBeUndefined()
      expect(eth?.quote_error).toMatch(/^no exchange rate for ETH in USD: .*HTTP 503/)

      // an explicit amount works without a cart
      const byAmount = await store.get("/store/waas/coins?amount=100&currency_code=USD", CoinsBody)
      expect(byAmount.data.coins.find((c) => c.symbol === "USDTERC20")?.indicative_amount).toBe(
        expectedAmountDue(100, PRICES.USDTERC20, 6).toString()
      )
      // no amount, or an empty cart, lists the coins alone (no quote, and no quote error either)
      const emptyCart = await store.post(
        "/store/carts",
        { region_id: seeded.regionId },
        z.object({ cart: z.object({ id: z.string() }) })
      )
      for (const path of ["/store/waas/coins", `/store/waas/coins?cart_id=${emptyCart.data.cart.id}`]) {
        const plain = await store.get(path, CoinsBody)
        expect({ path, keys: plain.data.coins.map((c) => Object.keys(c).sort()) }).toEqual({
          path,
          keys: plain.data.coins.map(() => ["decimals", "display_name", "network", "symbol"]),
        })
      }
      await expectNoLeaks("coins", listed.raw)

      const unknownCart = await store.get("/store/waas/coins?cart_id=cart_missing", z.unknown()).catch((e) => e)
      expect((unknownCart as StoreApiError).status).toBe(404)
      const mixed = await store
        .get(`/store/waas/coins?cart_id=${cart.id}&amount=5&currency_code=usd`, z.unknown())
        .catch((e) => e)
      expect((mixed as StoreApiError).status).toBe(400)
      const negative = await store.get("/store/waas/coins?amount=-5&currency_code=usd", z.unknown()).catch((e) => e)
      expect((negative as StoreApiError).status).toBe(400)
    })

    describe("with the WaaS unreachable", () => {
      beforeAll(async () => {
        await stopSimulator()
      })

      it("still completes a checkout from the pre-filled address pool", async () => {
        const store = storefront()
        const { cart, session } = await checkoutToPaymentSession(store)
        const address = PaymentView.partial().parse(session.data).address
        const [pooled] = await waas().listPoolAddresses({ symbol: SYMBOL, address })
        expect(pooled).toMatchObject({ status: "assigned" })

        const completed = await completeCart(store, cart.id)
        expect(completed.data).toMatchObject({ type: "order", order: { total: cart.total } })
      })

      it("once shoppers have drained the pool, refuses the next payment session naming the cause, leaving nothing behind", async () => {
        const store = storefront()
        const stock = async () =>
          (await waas().poolStats()).coins.find((c) => c.symbol === SYMBOL)?.available ?? 0
        const pooled = await stock()
        expect(pooled).toBeGreaterThan(0)
        for (let i = 0; i < pooled; i++) await checkoutToPaymentSession(store)
        expect(await stock()).toBe(0)
        const paymentsBefore = await waas().listCryptoPayments({})
        const assignedBefore = await waas().listPoolAddresses({ status: "assigned" })
        expect(paymentsBefore).toHaveLength(pooled)

        const { paymentCollection } = await prepareCart(store, {
          regionId: seeded.regionId,
          variantId: seeded.variantId,
        })
        const failure = await startCryptoPaymentSession(store, paymentCollection.id, SYMBOL).catch((e) => e)
        expect(failure).toBeInstanceOf(StoreApiError)
        // a transient condition: 503 with the cause, never a 500
        expect((failure as StoreApiError).status).toBe(503)
        expect((failure as StoreApiError).medusaMessage).toMatch(
          /^no deposit address available right now for USDTERC20: the address pool is empty and the WaaS could not be reached \(it is unreachable\)$/
        )

        // the refused session left no crypto payment, claimed no address, and Medusa dropped the session
        const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id).sort()
        expect(ids(await waas().listCryptoPayments({}))).toEqual(ids(paymentsBefore))
        expect(ids(await waas().listPoolAddresses({ status: "assigned" }))).toEqual(ids(assignedBefore))
        expect(await sessionsOf(getContainer(), paymentCollection.id)).toEqual([])
      })
    })
  },
})

async function sessionsOf(container: MedusaContainer, paymentCollectionId: string): Promise<unknown[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment_session",
    fields: ["id"],
    filters: { payment_collection_id: paymentCollectionId },
  })
  return data
}
