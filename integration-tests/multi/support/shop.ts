import Decimal from "decimal.js"
import { z } from "@medusajs/framework/zod"
import { completeCart, DEMO_CUSTOMER, prepareCart, startCryptoPaymentSession, Storefront } from "../../helpers/storefront"
import type { Cluster, Instance } from "./cluster"

export const PublicPayment = z.object({
  session_id: z.string(),
  status: z.string(),
  address: z.string(),
  amount_due: z.string(),
  symbol: z.string(),
})
export type Checkout = { server: string; orderId: string; total: number; sessionId: string; address: string; amountDue: string }

let shoppers = 0

export function storefront(cluster: Cluster, server: Instance): Storefront {
  return new Storefront({ baseUrl: server.url, publishableKey: cluster.seeded.store.publishableKey })
}

/** a whole checkout on one server instance: cart, crypto session, order; the address and amount the shopper is shown */
export async function checkout(cluster: Cluster, server: Instance, symbol = "USDTERC20"): Promise<Checkout> {
  const store = storefront(cluster, server)
  // a shopper of their own: Medusa refuses to create one guest customer twice when two carts race with one email
  const customer = { ...DEMO_CUSTOMER, email: `shopper-${++shoppers}@example.com` }
  const { cart, paymentCollection } = await prepareCart(store, { regionId: cluster.seeded.store.regionId, variantId: cluster.seeded.store.variantId, customer })
  const started = await startCryptoPaymentSession(store, paymentCollection.id, symbol)
  const session = started.data.payment_collection.payment_sessions?.find((s) => s.provider_id === "pp_waas_waas")
  if (!session) throw new Error(`payment collection ${paymentCollection.id} has no WaaS session`)
  const completed = await completeCart(store, cart.id)
  const view = await store.get(`/store/waas/payments/${session.id}`, z.object({ payment: PublicPayment }))
  return {
    server: server.name,
    orderId: completed.data.order.id,
    total: Number(cart.total),
    sessionId: session.id,
    address: view.data.payment.address,
    amountDue: view.data.payment.amount_due,
  }
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

/** what the database says about the orders' payments: crypto ledger and Medusa's payments and captures */
export async function paymentTotals(cluster: Cluster, sessionIds: string[]) {
  const [ledger] = await cluster.rows<{ payments: string; paid: string; deposits: string; credits: string; credited: string | null; duplicate_credits: string }>(
    `SELECT count(*) AS payments,
            count(*) FILTER (WHERE p.status = 'paid') AS paid,
            (SELECT count(*) FROM waas_deposit d WHERE d.crypto_payment_id = ANY(array_agg(p.id))) AS deposits,
            (SELECT count(*) FROM waas_deposit_credit c WHERE c.entry = 'credit' AND c.crypto_payment_id = ANY(array_agg(p.id))) AS credits,
            (SELECT sum(c.amount::numeric)::text FROM waas_deposit_credit c WHERE c.entry = 'credit' AND c.crypto_payment_id = ANY(array_agg(p.id))) AS credited,
            (SELECT count(*) FROM (SELECT waas_deposit_id FROM waas_deposit_credit GROUP BY waas_deposit_id, entry HAVING count(*) > 1) x) AS duplicate_credits
       FROM waas_crypto_payment p WHERE p.payment_session_id = ANY($1)`,
    [sessionIds],
  )
  const [medusa] = await cluster.rows<{ payments: string; captured: string; captures: string; captured_total: string | null; collections_with_two: string }>(
    `SELECT count(DISTINCT pay.id) AS payments,
            count(DISTINCT pay.id) FILTER (WHERE pay.captured_at IS NOT NULL) AS captured,
            (SELECT count(*) FROM capture c WHERE c.payment_id = ANY(array_agg(pay.id)) AND c.deleted_at IS NULL) AS captures,
            (SELECT sum(c.amount)::text FROM capture c WHERE c.payment_id = ANY(array_agg(pay.id)) AND c.deleted_at IS NULL) AS captured_total,
            (SELECT count(*) FROM (SELECT payment_collection_id FROM payment WHERE deleted_at IS NULL GROUP BY payment_collection_id HAVING count(*) > 1) x) AS collections_with_two
       FROM payment_session s JOIN payment pay ON pay.payment_session_id = s.id AND pay.deleted_at IS NULL
      WHERE s.id = ANY($1)`,
    [sessionIds],
  )
  // numeric sums keep trailing zeros ("700.010020"); compare amounts as decimals
  const exact = (v: string | null) => (v === null ? null : new Decimal(v).toFixed())
  return { ledger: { ...ledger, credited: exact(ledger.credited) }, medusa: { ...medusa, captured_total: exact(medusa.captured_total) } }
}
