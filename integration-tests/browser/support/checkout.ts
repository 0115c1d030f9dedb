import { z } from "@medusajs/framework/zod"
import { PublicPayment } from "../../helpers/deposits"
import { WAAS_PROVIDER_ID, type SeededStore } from "../../helpers/seed-store"
import { completeCart, prepareCart, startCryptoPaymentSession, type Storefront } from "../../helpers/storefront"

/** The store route's payment view, as far as the browser specs compare the pages with it. */
export const StoreView = PublicPayment.extend({
  symbol: z.string(),
  network: z.string(),
  memo: z.string().nullable(),
  amount_pending: z.string(),
  payment_detected: z.boolean(),
  message: z.string(),
  expires_at: z.string(),
  payment_uri: z.string(),
  remaining_payment_uri: z.string().nullable(),
  explorer_url: z.string().nullable(),
})
export type StoreViewType = z.infer<typeof StoreView>

/** A shopper's checkout up to a placed order waiting for its crypto payment. */
export async function placeCryptoOrder(store: Storefront, seeded: SeededStore, symbol = "USDTERC20") {
  const { cart, paymentCollection } = await prepareCart(store, { regionId: seeded.regionId, variantId: seeded.variantId })
  const started = await startCryptoPaymentSession(store, paymentCollection.id, symbol)
  const session = started.data.payment_collection.payment_sessions?.find((s) => s.provider_id === WAAS_PROVIDER_ID)
  if (!session) throw new Error("no WaaS payment session was created")
  const completed = await completeCart(store, cart.id)
  return { cartId: cart.id, paymentCollectionId: paymentCollection.id, orderId: completed.data.order.id, sessionId: session.id, view: await storeView(store, session.id) }
}

export async function storeView(store: Storefront, sessionId: string): Promise<StoreViewType> {
  return (await store.get(`/store/waas/payments/${sessionId}`, z.object({ payment: StoreView }))).data.payment
}
