import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { Context } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import type { ModuleDeps, PaymentRows } from "../module-context"
import { releaseTarget } from "../pool/address-release"
import { PAYMENT_TABLE, releaseHeldAddress, statusList } from "../pool/pool-sql"
import type { CryptoPaymentDTO } from "../types"
import { isSettled } from "../deposits/outcome"
import { DEPOSIT_DETECTED_MESSAGE } from "./cart-address"
import type { Coins } from "./coins"
import { depositSeen } from "./payment-amounts"
import { CryptoPaymentMachine, CryptoPaymentStatus } from "./payment-states"
import { buildPublicView, CryptoPaymentPublicView } from "./public-view"
import { PAYMENT_ROW_COLUMNS, paymentFromRow } from "./claim-payment-sql"
import { preparedRaw } from "../prepared-sql"

/**
 * Money has been seen for the payment (credited or still confirming) and it is not settled: replacing or
 * canceling it would orphan that money. A settled payment is no longer the session's business.
 */
function moneyOnTheWay(payment: CryptoPaymentDTO): boolean {
  return depositSeen(payment) && !isSettled(payment.status)
}

/** A crypto payment after its claim: read by session, tied to its order, released, expired. */
export class PaymentLifecycle {
  constructor(
    private readonly deps: ModuleDeps,
    private readonly rows: PaymentRows,
    private readonly coins: Coins,
  ) {}

  /**
   * One statement, no ORM (issue 11): the payment provider reads this twice in each of Medusa's captures, where the
   * ORM's list cost ~2 ms over the ~0.5 ms of its SQL. The row is mapped as the claim returns it (paymentFromRow),
   * equal to the ORM's read of it.
   */
  async retrieveBySession(session_id: string, sharedContext: Context = {}): Promise<CryptoPaymentDTO | null> {
    const result = await this.deps.db.read(
      (db) =>
        preparedRaw<{ rows: Array<Record<string, unknown>> }>(
          db,
          "payment_by_session_v1",
          `SELECT ${PAYMENT_ROW_COLUMNS} FROM ${PAYMENT_TABLE} WHERE payment_session_id = ? AND deleted_at IS NULL LIMIT 1`,
          [session_id],
        ),
      sharedContext,
    )
    return result.rows[0] ? paymentFromRow(result.rows[0]) : null
  }

  /** Locks the session's payment row for the rest of the transaction, then reads it. */
  async lockBySession(db: Knex.Transaction, session_id: string, ctx: Context): Promise<CryptoPaymentDTO | null> {
    const locked = await db.raw<{ rows: Array<{ id: string }> }>(
      `SELECT id FROM ${PAYMENT_TABLE} WHERE payment_session_id = ? AND deleted_at IS NULL FOR UPDATE`,
      [session_id],
    )
    if (!locked.rows[0]) return null
    return this.rows.retrieve(locked.rows[0].id, ctx)
  }

  /**
   * The session is gone: cancel its payment and give the address back, to the pool when no deposit was
   * ever seen for this payment, else into quarantine. Idempotent; a no-op for payments whose outcome is
   * already settled by deposits.
   */
  async releasePaymentForSession(session_id: string, sharedContext: Context = {}): Promise<void> {
    await this.deps.db.transaction(async (db, ctx) => {
      const payment = await this.lockBySession(db, session_id, ctx)
      if (!payment || payment.status === "canceled") return
      if (moneyOnTheWay(payment)) {
        // the shopper has paid (or begun to): a new session would ask for the money again and leave this
        // transfer with nobody to credit. Refusing keeps Medusa's session, so the storefront waits instead.
        throw new MedusaError(MedusaError.Types.NOT_ALLOWED, DEPOSIT_DETECTED_MESSAGE)
      }
      if (!CryptoPaymentMachine.can(payment.status, "canceled")) {
        this.deps.logger.info(`medusa-plugin-waas: session ${session_id} removed; its payment is ${payment.status} and stays so`)
        return
      }
      const now = this.deps.now()
      CryptoPaymentMachine.assertTransition(payment.status, "canceled")
      await this.rows.writeLifecycle({ id: payment.id, status: "canceled" }, ctx)
      await releaseHeldAddress(db, {
        addressId: payment.pool_address_id,
        paymentId: payment.id,
        now,
        ...releaseTarget(this.deps.options.addressReuse, payment, now),
      })
    }, sharedContext)
  }

  /** Records the order the session's cart became. Refuses to move a payment to a different order. */
  async attachOrder(session_id: string, order_id: string, sharedContext: Context = {}): Promise<CryptoPaymentDTO> {
    return this.deps.db.transaction(async (db, ctx) => {
      const payment = await this.lockBySession(db, session_id, ctx)
      if (!payment) throw new MedusaError(MedusaError.Types.NOT_FOUND, `no crypto payment for payment session ${session_id}`)
      if (payment.order_id === order_id) return payment
      if (payment.order_id) {
        throw new MedusaError(
          MedusaError.Types.NOT_ALLOWED,
          `crypto payment ${payment.id} already belongs to order ${payment.order_id}`,
        )
      }
      await this.rows.update({ id: payment.id, order_id }, ctx)
      return this.rows.retrieve(payment.id, ctx)
    }, sharedContext)
  }

  /**
   * Expires payments whose quote lifetime is over. Their address stays with them until monitor_until, so a
   * transfer sent just after expiry is still attributed to the right payment.
   */
  async expireStalePayments(now: Date, sharedContext: Context = {}): Promise<{ expired: number }> {
    // only a payment nothing has arrived for expires here; late_held also may become expired, but only
    // by an admin's decision on its held deposit (deposits/apply-deposit.ts). A payment with a transfer
    // still confirming does not expire: that transfer was seen before expiry and is judged by when it
    // was made once it is final (deposits/outcome.ts classifyTiming). The deposit path holds the payment's
    // row lock while it writes amount_pending, and this UPDATE re-checks its WHERE after waiting for it.
    const sources: CryptoPaymentStatus[] = ["awaiting_payment"]
    for (const from of sources) CryptoPaymentMachine.assertTransition(from, "expired")
    const result = await this.deps.db.read(
      (db) =>
        db.raw<{ rowCount: number }>(
          `UPDATE ${PAYMENT_TABLE} SET status = 'expired', updated_at = :now
            WHERE status IN (${statusList(sources)}) AND expires_at <= :now AND deleted_at IS NULL
              AND amount_pending::numeric = 0 AND amount_received::numeric = 0`,
          { now },
        ),
      sharedContext,
    )
    return { expired: result.rowCount }
  }

  toPublicView(payment: CryptoPaymentDTO): CryptoPaymentPublicView {
    return buildPublicView(payment, this.coins.find(payment.symbol))
  }
}
