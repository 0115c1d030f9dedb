import Decimal from "decimal.js"
import { z } from "@medusajs/framework/zod"
import {
  DEMO_CUSTOMER,
  placeOrder,
  type PlacedOrder,
  prepareCart,
  startCryptoPaymentSession,
  StoreApiError,
  Storefront,
  type StoreCartType,
} from "../../helpers/storefront"
import type { Cluster, Instance } from "./cluster"

export const PublicPayment = z.object({
  session_id: z.string(),
  status: z.string(),
  address: z.string(),
  amount_due: z.string(),
  symbol: z.string(),
})
export type Checkout = { server: string; orderId: string; total: number; sessionId: string; address: string; amountDue: string }
/** a cart ready for its payment: what the shopper filled in before choosing crypto */
export type PreparedCart = { cart: StoreCartType; paymentCollectionId: string }

let shoppers = 0

export function storefront(cluster: Cluster, server: Instance): Storefront {
  return new Storefront({ baseUrl: server.url, publishableKey: cluster.seeded.store.publishableKey })
}

/** cart, line item, addresses, shipping, payment collection; a shopper of their own (Medusa refuses to create one guest customer twice when two carts race with one email) */
export async function prepareCheckout(cluster: Cluster, server: Instance): Promise<PreparedCart> {
  const customer = { ...DEMO_CUSTOMER, email: `shopper-${++shoppers}@example.com` }
  const { cart, paymentCollection } = await prepareCart(storefront(cluster, server), {
    regionId: cluster.seeded.store.regionId,
    variantId: cluster.seeded.store.variantId,
    customer,
  })
  return { cart, paymentCollectionId: paymentCollection.id }
}

/** the shopper picks crypto: the WaaS session's id */
export async function startSession(cluster: Cluster, server: Instance, prepared: PreparedCart, symbol = "USDTERC20"): Promise<string> {
  const started = await startCryptoPaymentSession(storefront(cluster, server), prepared.paymentCollectionId, symbol)
  const session = started.data.payment_collection.payment_sessions?.find((s) => s.provider_id === "pp_waas_waas")
  if (!session) throw new Error(`payment collection ${prepared.paymentCollectionId} has no WaaS session`)
  return session.id
}

/**
 * Which lock a completion's 409 was, from the failed complete-cart execution Medusa stored (the workflow keeps
 * its executions three days): only the two documented ones are a storefront's to absorb (README "Storefront"
 * step 3); any other conflict fails the test. The cart must still be open: the attempt was rolled back.
 */
export const COMPLETION_CONFLICTS = {
  /** another completion of this cart holds Medusa's cart lock (a double submit, a capture, a server that died) */
  cartLock: (cartId: string) => ({ action: "acquire-lock-step", message: `Failed to acquire lock for key "${cartId}"` }),
  /** a completion of another cart with the same inventory item held its lock past locking-redis' waitLockingTimeout */
  inventoryLock: () => ({ action: "reserve-inventory-step", message: "Timed-out acquiring lock." }),
}

export async function lockConflictOf(cluster: Cluster, cartId: string): Promise<keyof typeof COMPLETION_CONFLICTS> {
  const rows = await cluster.rows<{ errors: Array<{ action?: string; error?: { message?: string } }> | null }>(
    `SELECT context->'errors' AS errors FROM workflow_execution
      WHERE workflow_id = 'complete-cart' AND context->'data'->'payload'->>'id' = $1 AND state IN ('reverted', 'failed')
      ORDER BY updated_at DESC LIMIT 1`,
    [cartId],
  )
  const failure = rows[0]?.errors?.[0]
  const seen = { action: failure?.action, message: failure?.error?.message }
  for (const [kind, expected] of Object.entries(COMPLETION_CONFLICTS)) {
    const want = expected(cartId)
    if (seen.action === want.action && seen.message === want.message) return kind as keyof typeof COMPLETION_CONFLICTS
  }
  throw new Error(`cart ${cartId}: a 409 on completion that is not one of Medusa's lock timeouts: ${JSON.stringify(seen)}`)
}

/** conflicts absorbed by the storefront, by kind, over the run (the spec reports and bounds them) */
export const conflictsSeen: Record<keyof typeof COMPLETION_CONFLICTS, number> = { cartLock: 0, inventoryLock: 0 }

/** the order, placed as a storefront does (placeOrder), each 409 checked to be a documented lock timeout on a cart still open */
export async function completeOnServer(cluster: Cluster, server: Instance, cartId: string, attempts = 4) {
  return placeOrder(storefront(cluster, server), cartId, {
    attempts,
    onConflict: async (error: StoreApiError, cart) => {
      const kind = await lockConflictOf(cluster, cartId)
      conflictsSeen[kind]++
      if (kind === "inventoryLock" && cart.completed_at) throw new Error(`cart ${cartId} completed although its completion was rolled back: ${error.message}`)
    },
  })
}

/** the address and amount the shopper is shown for a session */
export async function paymentView(cluster: Cluster, server: Instance, sessionId: string) {
  return (await storefront(cluster, server).get(`/store/waas/payments/${sessionId}`, z.object({ payment: PublicPayment }))).data.payment
}

/** a checkout whose order is placed: its order, the cart's total, and the address and amount the shopper is shown */
export async function checkoutOf(cluster: Cluster, server: Instance, prepared: PreparedCart, sessionId: string, placed: PlacedOrder): Promise<Checkout> {
  const view = await paymentView(cluster, server, sessionId)
  return {
    server: server.name,
    orderId: placed.data.order.id,
    total: Number(prepared.cart.total),
    sessionId,
    address: view.address,
    amountDue: view.amount_due,
  }
}

/** a whole checkout on one server instance: cart, crypto session, order */
export async function checkout(cluster: Cluster, server: Instance, symbol = "USDTERC20"): Promise<Checkout> {
  const prepared = await prepareCheckout(cluster, server)
  const sessionId = await startSession(cluster, server, prepared, symbol)
  return checkoutOf(cluster, server, prepared, sessionId, await completeOnServer(cluster, server, prepared.cart.id))
}

/** checkouts spread round robin over the servers, all at once */
export async function checkoutsAcrossServers(cluster: Cluster, count: number): Promise<Checkout[]> {
  const servers = cluster.servers()
  return Promise.all(Array.from({ length: count }, (_, i) => checkout(cluster, servers[i % servers.length])))
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 120_000, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

export const sum = (values: Array<string | number>): string => values.reduce<Decimal>((a, v) => a.plus(v), new Decimal(0)).toFixed()
