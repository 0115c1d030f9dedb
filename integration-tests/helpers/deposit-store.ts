import type { Event, IEventBusModuleService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import type { MedusaSuiteOptions } from "@medusajs/test-utils"
import type { WaasSimulator } from "../../simulator"
import { WAAS_MODULE } from "../../src/modules/waas"
import type WaasModuleService from "../../src/modules/waas/service"
import { adminLogin, createAdminUser, inboxSettled, PublicPayment, SimulatedPayer, type Sql, type useDepositWaas } from "./deposits"
import { seedStore, WAAS_PROVIDER_ID, type SeededStore } from "./seed-store"
import { completeCart, prepareCart, startCryptoPaymentSession, Storefront } from "./storefront"

/** the coin the deposit specs check out in: the one whose pool useDepositWaas sizes */
const SYMBOL = "USDTERC20"

/** a plugin event as a store's subscriber receives it (our events carry flat objects of ids) */
export interface RecordedEvent {
  name: string
  data: Record<string, unknown>
}

export interface DepositStoreOptions {
  /** an admin user, created in beforeAll and logged in before the first test (`adminHeaders`, `admin`) */
  admin?: { email: string; password: string }
  /** the events to record in `events`, subscribed in beforeAll as `${subscriberPrefix}${name}` */
  events?: { names: readonly string[]; subscriberPrefix: string }
  /**
   * true (the default): each test starts the deposit sync cursor at the simulator's newest deposit and leaves no
   * notification unanswered. false: the cursor and the notifications are left as they are between tests; only the
   * simulator's faults are cleared (before each test).
   */
  isolateDeposits?: boolean
}

/**
 * The store side of a deposit HTTP spec, called first thing inside storeIntegrationTestRunner's testSuite with the
 * WaaS side from useDepositWaas (started at the top level, before Medusa boots). It registers:
 *
 * - beforeAll: the seeded store, a filled address pool, the deposit poller marked as run (its interval, a day in
 *   depositSpecOptions, starts now: only the tests poll), the admin user and the event subscribers if asked for,
 *   and the merchant's notify URL in the simulator (known only once Medusa listens);
 * - beforeEach: the simulator's faults cleared; the sync cursor at the simulator's newest deposit (the restored
 *   database has never seen the deposits earlier tests made); the admin logged in once;
 * - afterEach: nothing of this test may reach the next one's database: the faults cleared, held notifications
 *   flushed (only the reorder fault holds any), every notification still open redelivered, the inbox settled.
 *
 * A spec's own afterEach that must run before the settling (a held price API to release) is registered before
 * this call; jest runs a block's afterEach hooks in the order they were registered.
 */
export function useDepositStore(
  { api, getContainer, dbConnection }: Pick<MedusaSuiteOptions, "api" | "getContainer" | "dbConnection">,
  { merchant, merchantKeys, sim }: ReturnType<typeof useDepositWaas>,
  { admin: adminUser, events: subscriptions, isolateDeposits = true }: DepositStoreOptions = {},
) {
  let seededStore: SeededStore | undefined
  let loggedIn: Record<string, string> | undefined
  /** the subscribed events, in the order the subscribers received them */
  const events: RecordedEvent[] = []

  const db = (): Sql => dbConnection as Sql
  const container = (): MedusaContainer => getContainer()
  const waas = (): WaasModuleService => container().resolve<WaasModuleService>(WAAS_MODULE)
  const baseUrl = (): string => String(api.defaults.baseURL)
  const seeded = (): SeededStore => {
    if (!seededStore) throw new Error("the store is seeded in the testSuite's beforeAll")
    return seededStore
  }
  const adminHeaders = (): Record<string, string> => {
    if (!loggedIn) throw new Error(adminUser ? "the admin logs in before each test" : "useDepositStore was given no admin")
    return loggedIn
  }
  const storefront = () => new Storefront({ baseUrl: baseUrl(), publishableKey: seeded().publishableKey })
  const payer = () => new SimulatedPayer(sim())

  beforeAll(async () => {
    seededStore = await seedStore(container())
    await waas().refillPool()
    // the scheduled poller's interval starts now (a day in these options): only the tests poll
    await waas().depositPoll().markRun()
    if (adminUser) await createAdminUser(container(), adminUser.email, adminUser.password)
    if (subscriptions) {
      const eventBus = container().resolve<IEventBusModuleService>(Modules.EVENT_BUS)
      for (const name of subscriptions.names) {
        eventBus.subscribe(name, async (event: Event) => {
          events.push({ name: event.name, data: event.data as Record<string, unknown> })
        }, { subscriberId: `${subscriptions.subscriberPrefix}${name}` })
      }
    }
    sim().control.addMerchant({
      appId: merchant.appId,
      merchantPublicKey: merchantKeys.publicKey,
      notifyUrl: `${baseUrl()}/hooks/waas/notify`,
    })
  })

  beforeEach(async () => {
    sim().control.clearFaults()
    if (isolateDeposits) {
      // the restored database has never seen the simulator's earlier deposits (made by earlier tests)
      const newest = Math.max(0, ...sim().control.getState().deposits.map((d) => d.id))
      await db().raw(`UPDATE waas_sync_cursor SET max_id = ? WHERE name = 'deposits'`, [String(newest)])
    }
    // the JWT outlives the database restore: the user it names is in the restored template
    if (adminUser) loggedIn ??= await adminLogin(baseUrl(), adminUser.email, adminUser.password)
  })

  if (isolateDeposits) {
    afterEach(async () => {
      await answerOpenNotifications(sim(), db())
    })
  }

  /** the names of the recorded events about one WaaS deposit */
  const eventsFor = (depositId: number): string[] =>
    events.filter((e) => e.data.waas_deposit_id === String(depositId)).map((e) => e.name)

  /** an /admin route called with the admin's token (or the headers given) */
  const admin = (method: "GET" | "POST", path: string, body?: unknown, headers = adminHeaders()) =>
    adminRequest(baseUrl(), headers, method, path, body)

  const checkout = () => checkoutInCrypto(storefront(), seeded())

  /** checkout(), then what the store's payment route shows the shopper: the address and what is owed */
  async function placeOrder() {
    const store = storefront()
    const placed = await checkoutInCrypto(store, seeded())
    return { ...placed, payment: await paymentView(store, placed.sessionId) }
  }

  return { db, container, waas, baseUrl, seeded, adminHeaders, storefront, payer, events, eventsFor, admin, checkout, placeOrder }
}

/**
 * After a test, so that nothing of it reaches the next one's database: the simulator's faults cleared, the
 * notifications the reorder fault held flushed, every notification still open redelivered, the deposit inbox settled.
 */
export async function answerOpenNotifications(sim: WaasSimulator, db: Sql): Promise<void> {
  sim.control.clearFaults()
  await sim.control.flushNotifications("fifo")
  for (const n of sim.control.notifications()) {
    if (!n.acknowledged && !n.givenUp) await sim.control.redeliver(n.id)
  }
  await inboxSettled(db)
}

/** an /admin route called with the given headers (an admin's token, or none); the body parsed when there is one */
export async function adminRequest(baseUrl: string, headers: Record<string, string>, method: "GET" | "POST", path: string, body?: unknown) {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null }
}

/** a storefront checkout in the specs' coin: an order awaiting its crypto payment */
export async function checkoutInCrypto(store: Storefront, seeded: SeededStore) {
  const { cart, paymentCollection } = await prepareCart(store, { regionId: seeded.regionId, variantId: seeded.variantId })
  const started = await startCryptoPaymentSession(store, paymentCollection.id, SYMBOL)
  const session = started.data.payment_collection.payment_sessions?.find((s) => s.provider_id === WAAS_PROVIDER_ID)
  if (!session) throw new Error("no WaaS payment session")
  const completed = await completeCart(store, cart.id)
  const order = completed.data.order
  return { order, orderId: order.id, paymentCollectionId: paymentCollection.id, sessionId: session.id, total: cart.total }
}

/** what the store's payment route shows the shopper */
export async function paymentView(store: Storefront, sessionId: string) {
  return (await store.get(`/store/waas/payments/${sessionId}`, z.object({ payment: PublicPayment }))).data.payment
}
