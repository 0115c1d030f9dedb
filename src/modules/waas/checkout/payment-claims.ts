import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { Context } from "@medusajs/framework/types"
import { MedusaError, generateEntityId } from "@medusajs/framework/utils"
import { LiveFetchTimeout, NoDepositAddressError, publicWaasFailure } from "../errors"
import type { ModuleDeps, PaymentRows } from "../module-context"
import type { CoinConfig } from "../options"
import { releaseTarget } from "../pool/address-release"
import { claimAvailableAddress, ClaimedAddress, lockHeldAddress, releaseHeldAddress } from "../pool/pool-sql"
import { provisionerFor } from "../pool/provisioner"
import type { CryptoPaymentDTO, PaymentForSessionInput, Quote } from "../types"
import { withTimeout } from "../with-timeout"
import type { Coins } from "./coins"
import { depositSeen } from "./payment-amounts"
import type { PaymentLifecycle } from "./payment-lifecycle"
import { CryptoPaymentMachine } from "./payment-states"
import type { Quotes } from "./quotes"
import { newSessionBinding } from "./session-binding"

/** What one claim attempt works from: the session's input, its coin and quote, the live-fetched address if any. */
interface ClaimRequest {
  input: PaymentForSessionInput
  coin: CoinConfig
  quote: Quote
  preferredAddressId?: string
}

/** Thrown inside a claim transaction to roll it back when the pool has nothing for the symbol. */
class PoolEmptySignal extends Error {}

/**
 * A payment session's crypto payment: a quote and a pool address, claimed in one transaction. Checkout
 * never waits on the WaaS while the pool has an address; when it is empty, one address is fetched live.
 */
export class PaymentClaims {
  constructor(
    private readonly deps: ModuleDeps,
    private readonly rows: PaymentRows,
    private readonly coins: Coins,
    private readonly quotes: Quotes,
    private readonly lifecycle: PaymentLifecycle,
  ) {}

  /**
   * Quotes and claims a pool address for a payment session. Idempotent per session: a second call returns
   * the existing payment. The claim and the payment row commit together or not at all; when the pool is
   * empty, one address is fetched live (bounded by liveFetchTimeoutMs) before giving up with a clear error.
   */
  async createPaymentForSession(input: PaymentForSessionInput, sharedContext: Context = {}): Promise<CryptoPaymentDTO> {
    const existing = await this.lifecycle.retrieveBySession(input.session_id, sharedContext)
    if (existing) return returnExisting(existing)

    const coin = this.coins.requireEnabled(input.symbol)
    const quote = await this.quotes.quote({ ...input, symbol: coin.symbol })
    try {
      return await this.withLiveFallback(coin.symbol, (preferredAddressId) =>
        this.deps.db.transaction((trx, ctx) => this.insert(trx, ctx, { input, coin, quote, preferredAddressId }), sharedContext),
      )
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
    return this.withLiveFallback(coin.symbol, (preferredAddressId) =>
      this.deps.db.transaction((trx, ctx) => this.requote(trx, ctx, { input, coin, quote, preferredAddressId }), sharedContext),
    )
  }

  /** Claim + insert, one transaction. Rolls back with PoolEmptySignal when there is no address. */
  private async insert(db: Knex.Transaction, ctx: Context, req: ClaimRequest): Promise<CryptoPaymentDTO> {
    const { input, coin, quote, preferredAddressId } = req
    const now = this.deps.now()
    const paymentId = generateEntityId(undefined, "wcpay")
    const address = await this.claim(db, coin.symbol, paymentId, now, preferredAddressId)
    await this.rows.create(
      {
        id: paymentId,
        payment_session_id: input.session_id,
        ...this.quotes.paymentFields(input, coin, quote, address, now),
        address_assigned_at: now,
        address_free_since: address.free_since ?? null,
        status: "awaiting_payment",
        amount_received: "0",
        amount_pending: "0",
        session_binding: newSessionBinding(),
      },
      ctx,
    )
    // read back: the caller gets the row as stored (every column, database defaults included)
    return this.rows.retrieve(paymentId, ctx)
  }

  private async requote(db: Knex.Transaction, ctx: Context, req: ClaimRequest): Promise<CryptoPaymentDTO> {
    const { input, coin, quote, preferredAddressId } = req
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
      address = await this.claim(db, coin.symbol, payment.id, now, preferredAddressId)
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

  private async claim(
    db: Knex.Transaction,
    symbol: string,
    paymentId: string,
    now: Date,
    preferredAddressId: string | undefined,
  ): Promise<ClaimedAddress> {
    // the address fetched live for this call first, else any: a concurrent checkout may have taken it
    const claimed =
      (preferredAddressId && (await claimAvailableAddress(db, { symbol, paymentId, now, onlyId: preferredAddressId }))) ||
      (await claimAvailableAddress(db, { symbol, paymentId, now }))
    if (!claimed) throw new PoolEmptySignal(symbol)
    return claimed
  }

  /**
   * Runs `attempt` against the pool; if the pool is empty, fetches ONE address from the WaaS now (bounded
   * by liveFetchTimeoutMs) and tries again, preferring that address. Fails with NoDepositAddressError.
   */
  private async withLiveFallback<T>(symbol: string, attempt: (preferredAddressId?: string) => Promise<T>): Promise<T> {
    try {
      return await attempt()
    } catch (e) {
      if (!(e instanceof PoolEmptySignal)) throw e
    }
    const { logger, options } = this.deps
    logger.warn(
      `medusa-plugin-waas: the ${symbol} address pool ran dry at checkout; fetching one address from the WaaS now. ` +
        `Raise poolLowWatermark or run the refill more often.`,
    )
    let addressId: string
    try {
      const ms = options.liveFetchTimeoutMs
      addressId = await withTimeout(this.provisionLive(symbol), ms, () => new LiveFetchTimeout(ms))
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e)
      logger.error(`medusa-plugin-waas: live ${symbol} address fetch failed at checkout: ${detail}`)
      throw new NoDepositAddressError(symbol, publicWaasFailure(e, options.liveFetchTimeoutMs), detail)
    }
    try {
      return await attempt(addressId)
    } catch (e) {
      if (e instanceof PoolEmptySignal) {
        throw new NoDepositAddressError(symbol, "the address fetched from the WaaS was taken by concurrent checkouts")
      }
      throw e
    }
  }

  private async provisionLive(symbol: string): Promise<string> {
    return this.deps.db.read(async (db) => (await provisionerFor(this.deps, db).provisionNew(symbol)).addressId)
  }
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
