import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { MedusaError } from "@medusajs/framework/utils"
import { lockAddressRow, PAYMENT_TABLE } from "../pool/pool-sql"
import { depositSeen } from "./payment-amounts"
import type { CryptoPaymentStatus } from "./payment-states"

/**
 * One address per cart, not per attempt. Medusa re-creates a payment session by creating the new session
 * and deleting the old ones in parallel (createPaymentSessionsWorkflow), so a storefront, or anyone, can
 * open a new session as often as it likes; without this rule each one took a fresh pool address, kept it
 * out of the pool for the quote lifetime plus the monitoring window, and made the next checkout register a
 * WaaS user live. So a new session of a cart (its Medusa payment collection, read from Medusa's own
 * payment_session row by the provider, never from storefront data) takes over the address of the cart's
 * previous payment in the same coin while that payment's quote can still be renewed:
 * - the previous payment is awaiting_payment, expired, or canceled (its session deleted first), and its
 *   monitoring window is still open;
 * - no deposit was ever seen for it;
 * - it still has its address: assigned to it, or cooling for it after its session was deleted, never
 *   handed on or reassigned since.
 * If any live payment of the cart has seen a deposit, the new session is refused: the money must settle on
 * the payment it was sent for, and a second quote would ask the shopper to pay again.
 * Everything here runs inside the claim transaction, so the takeover and the new payment commit together.
 */
export interface CartPaymentRow {
  id: string
  status: CryptoPaymentStatus
  symbol: string
  pool_address_id: string
  amount_received: string
  amount_pending: string
  monitor_until: Date
  address_assigned_at: Date | null
  address_free_since: Date | null
  created_at: Date
  address_handed_over_to: string | null
}

/** the statuses whose address a new session of the same cart may take over */
const HANDS_OVER_FROM: readonly CryptoPaymentStatus[] = ["awaiting_payment", "expired", "canceled"]

/** what a storefront is told when it tries to replace or cancel a payment the shopper has already sent money to */
export const DEPOSIT_DETECTED_MESSAGE =
  "a payment was already detected for this cart and is waiting for confirmations; it cannot be replaced or " +
  "canceled until the WaaS confirms or fails it"

/**
 * Serialises the cart's new sessions and locks its payments. The advisory lock is what makes concurrent
 * sessions of one cart queue: row locks alone would not, since a payment a concurrent session inserts is
 * invisible to a statement that started before it committed. Transaction-scoped: gone at commit. (A cart's
 * first session takes the lock inside its one statement instead, with the unique cart_first index behind it
 * for what that statement's older snapshot cannot see: claim-payment-sql.ts.)
 */
export async function lockCart(db: Knex.Transaction, collectionId: string): Promise<void> {
  await db.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [cartLockKey(collectionId)])
}

/** the text the cart's advisory lock is taken on (hashtext of it); the multi tier holds it to park a claim */
export function cartLockKey(collectionId: string): string {
  return `medusa-plugin-waas:payment-collection:${collectionId}`
}

/** The cart's payments, row-locked; the cart's advisory lock (lockCart) is already held. */
async function lockCartPayments(db: Knex.Transaction, collectionId: string): Promise<CartPaymentRow[]> {
  const result = await db.raw<{ rows: CartPaymentRow[] }>(
    `SELECT id, status, symbol, pool_address_id, amount_received, amount_pending, monitor_until,
            address_assigned_at, address_free_since, created_at, address_handed_over_to
       FROM ${PAYMENT_TABLE}
      WHERE payment_collection_id = ? AND deleted_at IS NULL
      ORDER BY created_at DESC, id DESC
      FOR UPDATE`,
    [collectionId],
  )
  return result.rows
}

/** The cart's payments that may hand their address to a new session in `symbol`, most recent first. */
export function handoverCandidates(payments: CartPaymentRow[], symbol: string, now: Date): CartPaymentRow[] {
  return payments.filter(
    (p) =>
      p.symbol === symbol &&
      HANDS_OVER_FROM.includes(p.status) &&
      p.address_handed_over_to === null &&
      new Date(p.monitor_until) > now &&
      !depositSeen(p),
  )
}

/**
 * For a new session of the cart `collectionId` in `symbol`: the previous payment whose address it takes
 * over, or null to claim one from the pool. Throws NOT_ALLOWED when a deposit was seen for the cart.
 * The caller holds the cart's advisory lock (lockCart, an earlier statement of the same transaction).
 * Leaves the cart's payment rows and the returned payment's address row locked.
 */
export async function findCartAddress(
  db: Knex.Transaction,
  args: { collectionId: string; symbol: string; now: Date },
): Promise<CartPaymentRow | null> {
  const payments = await lockCartPayments(db, args.collectionId)
  if (payments.some((p) => p.status !== "canceled" && depositSeen(p))) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, DEPOSIT_DETECTED_MESSAGE)
  }
  for (const candidate of handoverCandidates(payments, args.symbol, args.now)) {
    const address = await lockAddressRow(db, candidate.pool_address_id)
    const stillItsOwn =
      address?.crypto_payment_id === candidate.id && (address.status === "assigned" || address.status === "cooling")
    if (stillItsOwn) return candidate
  }
  return null
}

/**
 * The previous payment, whose address the new session took over, is canceled and names its successor
 * (deposits to the address are the successor's from now on). Its row is locked by findCartAddress; the
 * caller checked the state machine.
 */
export async function cancelHandedOver(db: Knex.Transaction, args: { paymentId: string; to: string; now: Date }): Promise<void> {
  await db.raw(
    `UPDATE ${PAYMENT_TABLE} SET status = 'canceled', address_handed_over_to = :to, updated_at = :now
      WHERE id = :id AND deleted_at IS NULL`,
    { id: args.paymentId, to: args.to, now: args.now },
  )
}
