import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { Context } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import type { ModuleDeps, PaymentRows } from "../module-context"
import type { CoinConfig } from "../options"
import { releaseTarget } from "../pool/address-release"
import { claimAvailableAddress, ClaimedAddress, handOverAddress, lockHeldAddress, releaseHeldAddress } from "../pool/pool-sql"
import type { CryptoPaymentDTO, PaymentForSessionInput, Quote } from "../types"
import { formatDecimal } from "../../../protocol"
import { cancelHandedOver, CartPaymentRow, findCartAddress, lockCart } from "./cart-address"
import { claimAndInsertPayment, ClaimOutcome, insertPaymentRow, isCartFirstConflict, NewPaymentRow } from "./claim-payment-sql"
import type { Coins } from "./coins"
import { LiveFallback, PoolEmptySignal } from "./live-fallback"
import { depositSeen, toPositiveFiat } from "./payment-amounts"
import type { PaymentLifecycle } from "./payment-lifecycle"
import { CryptoPaymentMachine } from "./payment-states"
import type { Quotes } from "./quotes"
import { newSessionBinding } from "./session-binding"
import { newEntityId } from "../entity-id"

/** What one claim attempt works from: the session's input, its coin and quote. */
interface ClaimRequest {
  input: PaymentForSessionInput
  coin: CoinConfig
  quote: Quote
}

/**
 * A payment session's crypto payment: a quote and a pool address, claimed in one transaction. A new
 * session of a cart takes the cart's address over (cart-address.ts). Checkout never waits on the WaaS
 * while the pool has an address; when it is empty, one address may be fetched live (live-fallback.ts).
 */
export class PaymentClaims {
  private readonly live: LiveFallback

  constructor(
    private readonly deps: ModuleDeps,
    private readonly rows: PaymentRows,
    private readonly coins: Coins,
    private readonly quotes: Quotes,
    private readonly lifecycle: PaymentLifecycle,
  ) {
    this.live = new LiveFallback(deps)
  }

  /**
   * Quotes and claims an address for a payment session: the cart's own address when a previous session of
   * the same payment collection still holds it (cart-address.ts), else one from the pool. Idempotent per
   * session: a second call returns the existing payment. The claim and the payment row commit together or
   * not at all; when the pool is empty, one address may be fetched live (live-fallback.ts) before giving up
   * with NoDepositAddressError.
   *
   * The hot path (the cart's first session, or a session without a cart) is one statement: the idempotency
   * check, the claim and the insert (claim-payment-sql.ts), with no ORM write or read-back.
   */
  async createPaymentForSession(input: PaymentForSessionInput, sharedContext: Context = {}): Promise<CryptoPaymentDTO> {
    let req: ClaimRequest
    try {
      const coin = this.coins.requireEnabled(input.symbol)
      req = { input, coin, quote: await this.quotes.quote({ ...input, symbol: coin.symbol }) }
    } catch (e) {
      // a session that has its payment gets it back even when it could not be quoted now (coin since
      // disabled, rates down): the payment was found before quoting before the claim became one statement
      const existing = await this.lifecycle.retrieveBySession(input.session_id, sharedContext)
      if (existing) return returnExisting(existing)
      throw e
    }
    try {
      return await this.live.run(req.coin.symbol, input.session_id, () => this.deps.db.read((db) => this.insert(db, req), sharedContext))
    } catch (e) {
      // a concurrent call for the same session won the unique payment_session_id: return its payment
      const winner = await this.lifecycle.retrieveBySession(input.session_id, sharedContext)
      if (winner) return returnExisting(winner)
      throw e
    }
  }

  /**
   * A new quote and expiry for a session's payment (new amount, currency or coin). A coin change swaps the
   * address in the same transaction. Refused once a deposit has been seen or the payment is final.
   */
  async requotePayment(input: PaymentForSessionInput, sharedContext: Context = {}): Promise<CryptoPaymentDTO> {
    const current = await this.lifecycle.retrieveBySession(input.session_id, sharedContext)
    if (!current) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `no crypto payment for payment session ${input.session_id}`)
    }
    const coin = this.coins.requireEnabled(input.symbol ?? current.symbol)
    const quote = await this.quotes.quote({ ...input, symbol: coin.symbol })
    // a new address is needed for a coin change, or when the old one already left the payment
    return this.live.run(coin.symbol, input.session_id, () =>
      this.deps.db.transaction((trx, ctx) => this.requote(trx, ctx, { input, coin, quote }), sharedContext),
    )
  }

  /**
   * Claim (or the cart's takeover) + insert, atomically. Without a cart, and for a cart's first session, it is
   * the one statement, atomic by itself, with no transaction around it (claim-payment-sql.ts). A cart that has
   * payments, or whose first payment a concurrent session has just inserted, goes one transaction: the cart's
   * lock first, in a statement of its own (cart-address.ts says why), the statement again, then the takeover
   * rules. Inside a caller's transaction only the latter runs (a failed insert would abort the caller's
   * transaction). Writes nothing when it throws PoolEmptySignal (no address).
   */
  private async insert(db: Knex, req: ClaimRequest): Promise<CryptoPaymentDTO> {
    const now = this.deps.now()
    const row = this.newRow(req, now)
    if (!row.payment_collection_id) return this.outcome(await claimAndInsertPayment(db, row, { now }), req)
    if (!db.isTransaction) {
      const first = await claimAndInsertPayment(db, row, { now }).catch((e: unknown): ClaimOutcome => {
        if (isCartFirstConflict(e)) return { kind: "cart" }
        throw e
      })
      if (first.kind !== "cart") return this.outcome(first, req)
    }
    const inTransaction = <T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> =>
      db.isTransaction ? fn(db as Knex.Transaction) : db.transaction(fn)
    return inTransaction(async (trx) => {
      await lockCart(trx, row.payment_collection_id!)
      const outcome = await claimAndInsertPayment(trx, row, { now })
      return outcome.kind === "cart" ? this.insertForCart(trx, req, row, now) : this.outcome(outcome, req)
    })
  }

  private outcome(outcome: ClaimOutcome, req: ClaimRequest): CryptoPaymentDTO {
    if (outcome.kind === "inserted") return outcome.payment
    if (outcome.kind === "existing") return returnExisting(outcome.payment)
    if (outcome.kind === "empty") throw new PoolEmptySignal(req.coin.symbol)
    throw new Error("medusa-plugin-waas: the claim of a session without a cart found a cart")
  }

  /** The cart has payments: take the address of its previous one over, or claim one from the pool. */
  private async insertForCart(db: Knex.Transaction, req: ClaimRequest, row: NewPaymentRow, now: Date): Promise<CryptoPaymentDTO> {
    const { input, coin } = req
    const previous = await findCartAddress(db, { collectionId: row.payment_collection_id!, symbol: coin.symbol, now })
    if (!previous) {
      const address = await this.claim(db, coin.symbol, row.id, now, input.session_id)
      return insertPaymentRow(db, row, {
        ...addressColumns(address),
        address_assigned_at: now,
        // a transfer dated before the address was last free is never this payment's (deposits/address-holder-sql.ts)
        address_free_since: address.free_since ?? null,
      })
    }
    const address = await this.takeOver(db, previous, row.id, now)
    const payment = await insertPaymentRow(db, row, {
      ...addressColumns(address),
      // the cart has held this address since its first payment took it: a transfer made since then (seen
      // or not yet) belongs to the cart's live payment, this one
      address_assigned_at: previous.address_assigned_at ?? previous.created_at,
      address_free_since: previous.address_free_since,
    })
    if (previous.status !== "canceled") CryptoPaymentMachine.assertTransition(previous.status, "canceled")
    await cancelHandedOver(db, { paymentId: previous.id, to: row.id, now })
    return payment
  }

  /** The new payment's columns, but for its address (the claim or the takeover decides that). */
  private newRow(req: ClaimRequest, now: Date): NewPaymentRow {
    const { input, coin, quote } = req
    const expiresAt = this.quotes.expiresAt(now)
    return {
      id: newEntityId("wcpay"),
      payment_session_id: input.session_id,
      payment_collection_id: input.payment_collection_id ?? null,
      symbol: coin.symbol,
      network: coin.network,
      fiat_amount: formatDecimal(toPositiveFiat(input.amount)),
      currency_code: input.currency_code.toLowerCase(),
      amount_due: quote.amount_due,
      rate: quote.rate,
      rate_source: quote.rate_source,
      rate_at: quote.rate_at,
      decimals: coin.decimals,
      expires_at: expiresAt,
      monitor_until: this.quotes.monitorUntil(expiresAt),
      session_binding: newSessionBinding(),
    }
  }

  /** The cart's address moves from its previous payment (locked by findCartAddress) to the new one. */
  private async takeOver(db: Knex.Transaction, previous: CartPaymentRow, paymentId: string, now: Date): Promise<ClaimedAddress> {
    const address = await handOverAddress(db, { addressId: previous.pool_address_id, fromPaymentId: previous.id, toPaymentId: paymentId, now })
    // cannot happen: the address row is locked and was checked to be the previous payment's
    if (!address) throw new Error(`medusa-plugin-waas: address ${previous.pool_address_id} left payment ${previous.id} under its lock`)
    return address
  }

  private async requote(db: Knex.Transaction, ctx: Context, req: ClaimRequest): Promise<CryptoPaymentDTO> {
    const { input, coin, quote } = req
    const payment = await this.lifecycle.lockBySession(db, input.session_id, ctx)
    if (!payment) throw new MedusaError(MedusaError.Types.NOT_FOUND, `no crypto payment for payment session ${input.session_id}`)
    if (depositSeen(payment)) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `crypto payment ${payment.id} cannot be re-quoted: a deposit has already been seen for it`,
      )
    }
    if (payment.status !== "awaiting_payment") CryptoPaymentMachine.assertTransition(payment.status, "awaiting_payment")
    const now = this.deps.now()
    let address: ClaimedAddress = {
      id: payment.pool_address_id,
      symbol: payment.symbol,
      address: payment.address,
      memo: payment.memo ?? null,
      uid: "",
    }
    // After its monitoring window an expired payment's address moved on (cooling, maybe reused): a
    // revived payment must never show it again, so it gets a fresh one like a coin change does.
    const held = await lockHeldAddress(db, { addressId: payment.pool_address_id, paymentId: payment.id })
    const swapped = coin.symbol !== payment.symbol || !held
    if (swapped) {
      // release first: the partial unique index lets a payment hold only one address at a time
      if (held) {
        await releaseHeldAddress(db, {
          addressId: payment.pool_address_id,
          paymentId: payment.id,
          now,
          ...releaseTarget(this.deps.options.addressReuse, payment, now),
        })
      }
      address = await this.claim(db, coin.symbol, payment.id, now, input.session_id)
    }
    await this.rows.writeLifecycle(
      {
        id: payment.id,
        ...this.quotes.paymentFields(input, coin, quote, address, now),
        // deposits are matched to the payment holding their address at the time: from now on, this one
        ...(swapped && { address_assigned_at: now, address_free_since: address.free_since ?? null }),
        status: "awaiting_payment",
      },
      ctx,
    )
    return this.rows.retrieve(payment.id, ctx)
  }

  private async claim(db: Knex.Transaction, symbol: string, paymentId: string, now: Date, sessionId: string): Promise<ClaimedAddress> {
    // an address fetched live for this session first (reserved for it), else any free one
    const claimed = await claimAvailableAddress(db, { symbol, paymentId, now, sessionId })
    if (!claimed) throw new PoolEmptySignal(symbol)
    return claimed
  }
}

function addressColumns(address: ClaimedAddress): { address: string; memo: string | null; pool_address_id: string } {
  return { address: address.address, memo: address.memo, pool_address_id: address.id }
}

function returnExisting(payment: CryptoPaymentDTO): CryptoPaymentDTO {
  if (payment.status === "canceled") {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `the crypto payment of payment session ${payment.payment_session_id} was canceled; start a new payment session`,
    )
  }
  return payment
}
