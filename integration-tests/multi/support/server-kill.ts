import { cartLockKey } from "../../../src/modules/waas/checkout/cart-address"
import { completeCart, startCryptoPaymentSession } from "../../helpers/storefront"
import type { Cluster, Instance } from "./cluster"
import { holdAdvisoryLock, holdRow, waitForLockWaiter, type Hold } from "./holds"
import { type PreparedCart, storefront, waitFor } from "./shop"

/**
 * Requests parked mid-way on a server instance, for the SIGKILL case: each is sent to the instance and left
 * waiting on a lock the test holds, at a known point of its work. `request` is the shopper's pending call.
 */
export interface Parked {
  hold: Hold
  request: Promise<unknown>
}

/** a payment session being created: Medusa wrote its session row and called the provider, whose claim waits on the cart's advisory lock */
export async function parkSessionClaim(cluster: Cluster, server: Instance, prepared: PreparedCart): Promise<Parked> {
  const hold = await holdAdvisoryLock(cluster, cartLockKey(prepared.paymentCollectionId))
  const request = startCryptoPaymentSession(storefront(cluster, server), prepared.paymentCollectionId, "USDTERC20")
  request.catch(() => undefined)
  await waitForLockWaiter(cluster, `${server.name} claiming an address for ${prepared.cart.id}`, "%pg_advisory_xact_lock%")
  return { hold, request }
}

/**
 * A cart being completed: Medusa took its cart lock (Redis), wrote the order and linked it to the cart, and
 * waits to mark the cart completed (the cart row, which the test holds); the payment is not authorized yet.
 */
export async function parkCompletion(cluster: Cluster, server: Instance, prepared: PreparedCart): Promise<Parked & { orderId: string }> {
  const hold = await holdRow(cluster, "cart", prepared.cart.id)
  const request = completeCart(storefront(cluster, server), prepared.cart.id)
  request.catch(() => undefined)
  // the order, linked to the cart and to the cart's payment collection (one step of Medusa's writes both)
  const link = await waitFor(`${server.name} to write the order of ${prepared.cart.id}`, async () => {
    const [row] = await cluster.rows<{ order_id: string }>(
      `SELECT oc.order_id FROM order_cart oc
         JOIN order_payment_collection opc ON opc.order_id = oc.order_id AND opc.payment_collection_id = $2 AND opc.deleted_at IS NULL
        WHERE oc.cart_id = $1 AND oc.deleted_at IS NULL`,
      [prepared.cart.id, prepared.paymentCollectionId],
    )
    return row ?? null
  })
  await waitForLockWaiter(cluster, `${server.name} marking ${prepared.cart.id} completed`, '%"cart"%')
  return { hold, request, orderId: link.order_id }
}
