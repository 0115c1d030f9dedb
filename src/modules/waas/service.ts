import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { Context, Logger } from "@medusajs/framework/types"
import {
  InjectManager,
  InjectTransactionManager,
  MedusaContext,
  MedusaError,
  MedusaService,
  generateEntityId,
} from "@medusajs/framework/utils"
import type { KeyObject } from "node:crypto"
import { WaasClient } from "../../client"
import {
  DepositRecord,
  formatDecimal,
  loadPublicKey,
  Notification,
} from "../../protocol"
import {
  CallbackSide,
  claimCallbackRow,
  ClaimedCallback,
  completeCallbackRow,
  CallbackListState,
  listCallbackRows,
  listPendingCallbackIds,
  recordCallbackFailureRow,
  recordCallbackRow,
  RecordedCallback,
  releaseCallbackRow,
  reopenCallbackRow,
} from "./callbacks/inbox-sql"
import {
  acknowledgeReversal,
  assertAwaitingDecision,
  attachDeposit,
  AttachInput,
  DecisionInput,
  markDepositForRefund,
  WaasReading,
  waasReadingOf,
} from "./deposits/admin-decisions"
import { applyDepositFacts, ApplyOptions, DepositApplication, DepositSource } from "./deposits/apply-deposit"
import { DEPOSIT_TABLE, DepositFactsRow } from "./deposits/ledger-sql"
import { parkDepositFacts } from "./deposits/park-deposit"
import { listDepositsToReread, markReread, RereadRow } from "./deposits/reread-sql"
import { factsOfRecord, factsOfUnreadable, PulledDeposit, readDepositRows, waasIdOf } from "./deposits/pulled-deposit"
import { advanceCursor, isCursorDue, readCursor, touchCursor } from "./deposits/cursor-sql"
import CallbackInbox from "./models/callback-inbox"
import Deposit from "./models/deposit"
import DepositCredit from "./models/deposit-credit"
import { bigNumberColumn } from "./big-number-column"
import { knexOf, transactionOf, withAdvisoryLock } from "./db-context"
import { LiveFetchTimeout, NoDepositAddressError, publicWaasFailure } from "./errors"
import CryptoPayment from "./models/crypto-payment"
import PoolAddress from "./models/pool-address"
import SyncCursor from "./models/sync-cursor"
import WaasAccount from "./models/waas-account"
import { CoinConfig, parseWaasOptions, redactOptions, WaasOptions } from "./options"
import { depositSeen, toPositiveFiat } from "./payment-amounts"
import { countAccounts } from "./pool/account-sql"
import {
  claimAvailableAddress,
  ClaimedAddress,
  countAddressesByStatus,
  endCooling,
  lockHeldAddress,
  PAYMENT_TABLE,
  releaseAddressesAfterMonitoring,
  releaseHeldAddress,
  statusList,
} from "./pool/pool-sql"
import { AccountProvisioner } from "./pool/provisioner"
import { refillCoins, RefillReport } from "./pool/refill"
import { buildPublicView, CryptoPaymentPublicView } from "./public-view"
import { Clock, computeAmountDue, createRateSource, RateSource } from "./rates"
import { CryptoPaymentMachine, CryptoPaymentStatus, POOL_ADDRESS_STATUSES, PoolAddressStatus } from "./state-machines"
import { GuardedField, guardStatusWrites, LEDGER_FIELDS, LEDGER_METHODS, refuseLedgerMethod, STATUS_FIELD } from "./status-write-guard"
import type { CryptoPaymentDTO, PaymentForSessionInput, PoolStats, PublicCoin, Quote, QuoteInput } from "./types"
import { withTimeout } from "./with-timeout"

type InjectedDependencies = { logger: Logger }

/** key of the Postgres advisory lock that keeps two refill runs from registering a batch each */
const REFILL_LOCK_KEY = "medusa-plugin-waas:refill-address-pool"
/** key of the Postgres advisory lock that keeps two instances from polling deposits at once */
const DEPOSIT_POLL_LOCK_KEY = "medusa-plugin-waas:poll-deposits"
/** the sync cursor of syncDepositList (waas_sync_cursor.name) */
const DEPOSIT_CURSOR = "deposits"
/** how long a processor may hold a callback before another one may take it over */
const CALLBACK_LEASE_SECONDS = 60

/** Thrown inside a claim transaction to roll it back when the pool has nothing for the symbol. */
class PoolEmptySignal extends Error {}

/**
 * The `waas` module: the one owner of the address pool, the crypto payments and all WaaS traffic.
 * Checkout never waits on the WaaS while the pool has an address: it takes one in a single database
 * transaction. The pool is filled ahead of time by `refillPool` (the refill job).
 */
export default class WaasModuleService extends MedusaService({
  WaasAccount,
  PoolAddress,
  CryptoPayment,
  SyncCursor,
  CallbackInbox,
  Deposit,
  DepositCredit,
}) {
  protected readonly options_: WaasOptions
  protected readonly logger_: Logger
  protected readonly rateSource_: RateSource
  protected readonly now_: Clock = () => new Date()
  /**
   * Mutable state lives in a holder set once in the constructor: the service may be reached through a proxy
   * (the module test runner uses one), where assigning a field would land on the proxy, not on the service.
   */
  private readonly lazy_: { client: WaasClient | null; waasKey: KeyObject | null } = { client: null, waasKey: null }

  /** the generated update, kept for the lifecycle methods: the public one refuses status writes */
  private readonly writeCryptoPayments_: WaasModuleService["updateCryptoPayments"]

  constructor(container: InjectedDependencies, options: unknown) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.logger_ = container.logger
    this.options_ = parseWaasOptions(options)
    this.rateSource_ = createRateSource(this.options_.rateSource, () => this.now_())

    // Statuses change only through the lifecycle methods, which check the state-machine tables. The
    // generated CRUD updates would let any caller write any status, so they refuse a `status` field.
    // (the generated members are typed read-only, hence defineProperty on this instance)
    this.writeCryptoPayments_ = this.updateCryptoPayments.bind(this)
    const guard = <K extends "updateCryptoPayments" | "updatePoolAddresses" | "updateWaasAccounts">(
      key: K,
      entity: string,
      fields: GuardedField[] = [STATUS_FIELD],
    ) => Object.defineProperty(this, key, { value: guardStatusWrites(entity, this[key].bind(this), fields) })
    // a payment's amounts are the ledger's (deposits/ledger-sql.ts), never set by hand
    guard("updateCryptoPayments", "crypto payment", [STATUS_FIELD, ...LEDGER_FIELDS])
    guard("updatePoolAddresses", "pool address")
    guard("updateWaasAccounts", "waas account")
    for (const method of LEDGER_METHODS) Object.defineProperty(this, method, { value: refuseLedgerMethod(method) })
  }

  __hooks = {
    onApplicationShutdown: async (): Promise<void> => {
      const client = this.lazy_.client
      this.lazy_.client = null
      // never wait on the WaaS at shutdown (undici's graceful close waits out requests in flight)
      await client?.destroy()
    },
  }

  /* ------------------------------------------------------------------ configuration */

  /** The parsed options. Holds the merchant private key: never log or return this; see `getRedactedOptions`. */
  getOptions(): WaasOptions {
    return this.options_
  }

  getRedactedOptions(): Record<string, unknown> {
    return redactOptions(this.options_)
  }

  /** The one WaaS client of this module, built from the options on first use. */
  getClient(): WaasClient {
    if (!this.lazy_.client) {
      const o = this.options_
      this.lazy_.client = new WaasClient({
        host: o.waasHost,
        pathPrefix: o.pathPrefix,
        appId: o.appId,
        merchantPrivateKey: o.merchantPrivateKey,
        waasPublicKey: o.waasPublicKey,
        connectTimeoutMs: o.connectTimeoutMs,
        readTimeoutMs: o.readTimeoutMs,
        logger: { debug: (m) => this.logger_.debug(m), warn: (m) => this.logger_.warn(m) },
      })
    }
    return this.lazy_.client
  }

  listEnabledCoins(): PublicCoin[] {
    return this.options_.coins
      .filter((c) => c.enabled)
      .map((c) => ({
        symbol: c.symbol,
        displayName: c.displayName,
        network: c.network,
        decimals: c.decimals,
        explorerUrl: c.explorerUrl ?? null,
      }))
  }

  /* ------------------------------------------------------------------ quotes */

  /** An indicative quote; writes nothing. */
  async quote(input: QuoteInput): Promise<Quote> {
    const coin = this.requireEnabledCoin(input.symbol)
    const fiat = toPositiveFiat(input.amount)
    const rate = await this.rateSource_.getRate(coin.symbol, input.currency_code)
    // ROUNDING: computeAmountDue rounds the crypto amount UP to the coin's decimals (merchant's favour)
    const due = computeAmountDue(fiat, rate.rate, coin.decimals)
    return {
      symbol: coin.symbol,
      amount_due: formatDecimal(due),
      rate: formatDecimal(rate.rate),
      rate_source: rate.source,
      rate_at: rate.at,
      decimals: coin.decimals,
    }
  }

  /* ------------------------------------------------------------------ payments */

  /**
   * Quotes and claims a pool address for a payment session. Idempotent per session: a second call returns
   * the existing payment. The claim and the payment row commit together or not at all; when the pool is
   * empty, one address is fetched live (bounded by liveFetchTimeoutMs) before giving up with a clear error.
   */
  async createPaymentForSession(input: PaymentForSessionInput, sharedContext: Context = {}): Promise<CryptoPaymentDTO> {
    const existing = await this.retrievePaymentBySession(input.session_id, sharedContext)
    if (existing) return this.returnExisting(existing)

    const coin = this.requireEnabledCoin(input.symbol)
    const quote = await this.quote({ ...input, symbol: coin.symbol })
    try {
      return await this.withLiveFallback(coin.symbol, (preferredAddressId) =>
        this.insertPaymentWithAddress_(input, coin, quote, preferredAddressId, sharedContext),
      )
    } catch (e) {
      // a concurrent call for the same session won the unique payment_session_id: return its payment
      const winner = await this.retrievePaymentBySession(input.session_id, sharedContext)
      if (winner) return this.returnExisting(winner)
      throw e
    }
  }

  /**
   * A new quote and expiry for a session's payment (new amount, currency or coin). A coin change swaps the
   * address in the same transaction. Refused once a deposit has been seen or the payment is final.
   */
  async requotePayment(input: PaymentForSessionInput, sharedContext: Context = {}): Promise<CryptoPaymentDTO> {
    const current = await this.retrievePaymentBySession(input.session_id, sharedContext)
    if (!current) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `no crypto payment for payment session ${input.session_id}`)
    }
    const coin = this.requireEnabledCoin(input.symbol ?? current.symbol)
    const quote = await this.quote({ ...input, symbol: coin.symbol })
    // a new address is needed for a coin change, or when the old one already left the payment
    return this.withLiveFallback(coin.symbol, (preferredAddressId) =>
      this.requote_(input, coin, quote, preferredAddressId, sharedContext),
    )
  }

  /**
   * The session is gone: cancel its payment and give the address back, to the pool when no deposit was
   * ever seen for this payment, else into quarantine. Idempotent; a no-op for payments whose outcome is
   * already settled by deposits.
   */
  @InjectTransactionManager()
  async releasePaymentForSession(session_id: string, @MedusaContext() sharedContext: Context = {}): Promise<void> {
    const db = transactionOf(sharedContext)
    const payment = await this.lockPaymentBySession(db, session_id, sharedContext)
    if (!payment || payment.status === "canceled") return
    if (!CryptoPaymentMachine.can(payment.status, "canceled")) {
      this.logger_.info(`medusa-plugin-waas: session ${session_id} removed; its payment is ${payment.status} and stays so`)
      return
    }
    const now = this.now_()
    CryptoPaymentMachine.assertTransition(payment.status, "canceled")
    await this.writeCryptoPayments_({ id: payment.id, status: "canceled" }, sharedContext)
    await releaseHeldAddress(db, {
      addressId: payment.pool_address_id,
      paymentId: payment.id,
      now,
      ...this.releaseTarget(payment, now),
    })
  }

  async retrievePaymentBySession(session_id: string, sharedContext: Context = {}): Promise<CryptoPaymentDTO | null> {
    const [payment] = await this.listCryptoPayments({ payment_session_id: session_id }, { take: 1 }, sharedContext)
    return payment ?? null
  }

  /** Records the order the session's cart became. Refuses to move a payment to a different order. */
  @InjectTransactionManager()
  async attachOrder(session_id: string, order_id: string, @MedusaContext() sharedContext: Context = {}): Promise<CryptoPaymentDTO> {
    const db = transactionOf(sharedContext)
    const payment = await this.lockPaymentBySession(db, session_id, sharedContext)
    if (!payment) throw new MedusaError(MedusaError.Types.NOT_FOUND, `no crypto payment for payment session ${session_id}`)
    if (payment.order_id === order_id) return payment
    if (payment.order_id) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `crypto payment ${payment.id} already belongs to order ${payment.order_id}`,
      )
    }
    await this.updateCryptoPayments({ id: payment.id, order_id }, sharedContext)
    return this.retrieveCryptoPayment(payment.id, {}, sharedContext)
  }

  toPublicView(payment: CryptoPaymentDTO): CryptoPaymentPublicView {
    return buildPublicView(payment, this.findCoin(payment.symbol))
  }

  /* ------------------------------------------------------------------ pool upkeep (jobs) */

  /**
   * Tops every enabled coin (or the given ones) up to its low watermark. Only one run at a time does
   * work: a Postgres advisory lock (held by a transaction for the run) makes a concurrent run return
   * `skipped`. Correctness does not depend on the lock: unique emails, one address per account and
   * unique (symbol, address) keep even overlapping runs from duplicating anything.
   */
  @InjectManager()
  async refillPool(opts: { symbols?: string[] } = {}, @MedusaContext() sharedContext: Context = {}): Promise<RefillReport> {
    const db = knexOf(sharedContext)
    const coins = this.options_.coins.filter((c) => c.enabled && (!opts.symbols || opts.symbols.includes(c.symbol)))
    const run = async () =>
      refillCoins({ db, coins, provisioner: this.provisioner(db), userCap: this.options_.userCap, logger: this.logger_ })
    const result = await withAdvisoryLock(db, REFILL_LOCK_KEY, run)
    if (result.acquired) return result.value
    return {
      skipped: "another refill run holds the lock",
      users: { count: await countAccounts(db), cap: this.options_.userCap },
      coins: [],
    }
  }

  /**
   * Expires payments whose quote lifetime is over. Their address stays with them until monitor_until, so a
   * transfer sent just after expiry is still attributed to the right payment.
   */
  @InjectManager()
  async expireStalePayments(now: Date = this.now_(), @MedusaContext() sharedContext: Context = {}): Promise<{ expired: number }> {
    const db = knexOf(sharedContext)
    // only a payment nothing has arrived for expires here; late_held also may become expired, but only
    // by an admin's decision on its held deposit (deposits/apply-deposit.ts)
    const sources: CryptoPaymentStatus[] = ["awaiting_payment"]
    for (const from of sources) CryptoPaymentMachine.assertTransition(from, "expired")
    const result = await db.raw<{ rowCount: number }>(
      `UPDATE ${PAYMENT_TABLE} SET status = 'expired', updated_at = :now
        WHERE status IN (${statusList(sources)}) AND expires_at <= :now AND deleted_at IS NULL`,
      { now },
    )
    return { expired: result.rowCount }
  }

  /**
   * Address upkeep after payments: addresses of payments past monitor_until go into quarantine (cooling)
   * or retirement (addressReuse "never"); cooled addresses whose quarantine is over become available.
   */
  @InjectManager()
  async releaseCooledAddresses(
    now: Date = this.now_(),
    @MedusaContext() sharedContext: Context = {},
  ): Promise<{ cooling: number; retired: number; available: number }> {
    const db = knexOf(sharedContext)
    const target = this.quarantineTarget()
    const moved = await releaseAddressesAfterMonitoring(db, {
      now,
      to: target,
      coolingUntil: target === "cooling" ? this.coolingUntil(now) : null,
    })
    const ended = await endCooling(db, { now, to: target === "cooling" ? "available" : "retired" })
    return {
      cooling: target === "cooling" ? moved : 0,
      retired: target === "retired" ? moved + ended : 0,
      available: target === "cooling" ? ended : 0,
    }
  }

  @InjectManager()
  async poolStats(@MedusaContext() sharedContext: Context = {}): Promise<PoolStats> {
    const db = knexOf(sharedContext)
    const counts = await countAddressesByStatus(db)
    const symbols = new Set([...this.options_.coins.map((c) => c.symbol), ...counts.map((c) => c.symbol)])
    const coins = [...symbols].map((symbol) => {
      const coin = this.findCoin(symbol)
      const byStatus = Object.fromEntries(POOL_ADDRESS_STATUSES.map((s) => [s, 0])) as Record<PoolAddressStatus, number>
      for (const c of counts) if (c.symbol === symbol) byStatus[c.status] = c.count
      return { symbol, enabled: coin?.enabled ?? false, low_watermark: coin?.poolLowWatermark ?? 0, ...byStatus }
    })
    return { coins, users: { count: await countAccounts(db), cap: this.options_.userCap } }
  }

  /* ------------------------------------------------------------------ callbacks (the notify route) */

  /** What the notify route checks a callback against: the app_id, the WaaS public key, the coins' decimals. */
  getCallbackCheck(): { appId: string; waasPublicKey: KeyObject; decimalsOf(symbol: string): number | undefined } {
    this.lazy_.waasKey ??= loadPublicKey(this.options_.waasPublicKey)
    return {
      appId: this.options_.appId,
      waasPublicKey: this.lazy_.waasKey,
      decimalsOf: (symbol) => this.findCoin(symbol)?.decimals,
    }
  }

  /**
   * Records a verified notification in the inbox, durably, before the route answers SUCCESS: one row per
   * (side, WaaS id), a repeat only bumps its count and keeps the last payload. The lock timeout bounds how
   * long a blocked table can hold the WaaS's connection: it then gets a FAILURE and retries later.
   */
  @InjectTransactionManager()
  async recordCallback(notification: Notification, @MedusaContext() sharedContext: Context = {}): Promise<RecordedCallback> {
    const db = transactionOf(sharedContext)
    await db.raw("SET LOCAL lock_timeout = '3s'")
    const { side, id, status } = notification
    return recordCallbackRow(db, {
      side,
      waasId: String(id),
      status,
      payload: notification as unknown as Record<string, unknown>,
      now: this.now_(),
    })
  }

  @InjectManager()
  async claimCallback(id: string, side: CallbackSide, @MedusaContext() sharedContext: Context = {}): Promise<ClaimedCallback | null> {
    return claimCallbackRow(knexOf(sharedContext), { id, side, leaseSeconds: CALLBACK_LEASE_SECONDS })
  }

  @InjectManager()
  async completeCallback(
    id: string,
    seenCount: number,
    outcome: string,
    @MedusaContext() sharedContext: Context = {},
  ): Promise<{ more: boolean }> {
    return completeCallbackRow(knexOf(sharedContext), { id, seenCount, outcome })
  }

  @InjectManager()
  async releaseCallback(id: string, error: string | null, @MedusaContext() sharedContext: Context = {}): Promise<void> {
    await releaseCallbackRow(knexOf(sharedContext), { id, error })
  }

  /** A processing run failed for good: counted, and the sweep's next attempt scheduled (callbacks/retry-schedule.ts). */
  @InjectManager()
  async recordCallbackFailure(id: string, error: string, @MedusaContext() sharedContext: Context = {}): Promise<void> {
    await recordCallbackFailureRow(knexOf(sharedContext), { id, error })
  }

  @InjectManager()
  async listPendingCallbacks(side: CallbackSide, limit: number, @MedusaContext() sharedContext: Context = {}): Promise<string[]> {
    return listPendingCallbackIds(knexOf(sharedContext), { side, limit })
  }

  /** For the admin API: callbacks by state (pending, failing, all) with their processing history. */
  @InjectManager()
  async listCallbacksByState(
    state: CallbackListState,
    page: { limit: number; offset: number },
    @MedusaContext() sharedContext: Context = {},
  ) {
    return listCallbackRows(knexOf(sharedContext), { state, ...page })
  }

  /** Makes a processed callback pending again (an admin's re-run). false when it does not exist. */
  @InjectManager()
  async reopenCallback(id: string, @MedusaContext() sharedContext: Context = {}): Promise<boolean> {
    return reopenCallbackRow(knexOf(sharedContext), id)
  }

  /* ------------------------------------------------------------------ deposits */

  getDepositOptions(): { latePolicy: WaasOptions["latePaymentPolicy"]; tolerance: string; pollIntervalSeconds: number; pollMaxPages: number } {
    const o = this.options_
    return {
      latePolicy: o.latePaymentPolicy,
      tolerance: o.underpaymentTolerance,
      pollIntervalSeconds: o.depositPollIntervalSeconds,
      pollMaxPages: o.depositPollMaxPages,
    }
  }

  /**
   * The WaaS's own record of a deposit (depositList), or null when it does not know the id. Each record is
   * validated on its own (deposits/pulled-deposit.ts): a malformed one comes back `unreadable`, to be parked.
   */
  async pullDeposit(waasDepositId: string): Promise<PulledDeposit | null> {
    if (!/^\d{1,16}$/.test(waasDepositId)) return null
    const id = String(Number(waasDepositId))
    const { deposits } = readDepositRows(await this.getClient().depositListRows([Number(id)]))
    return deposits.find((d) => waasIdOf(d) === id) ?? null
  }

  async pullDeposits(waasDepositIds: string[]): Promise<PulledDeposit[]> {
    const ids = waasDepositIds.filter((id) => /^\d{1,16}$/.test(id)).map(Number)
    return ids.length ? readDepositRows(await this.getClient().depositListRows(ids)).deposits : []
  }

  /** One syncDepositList page: deposits with a WaaS id above `cursor`, ascending; `unidentified`: rows without a readable id. */
  async syncDepositsAfter(cursor: string): Promise<{ deposits: PulledDeposit[]; unidentified: number }> {
    return readDepositRows(await this.getClient().syncDepositListRows(Number(cursor)))
  }

  /**
   * Applies the WaaS's record of a deposit to the ledger, in one transaction (deposits/apply-deposit.ts):
   * the deposit row and the payment that held its address are locked, the credit is an insert the unique
   * index turns into a no-op on any repeat, and the payment's amounts are re-derived from its ledger.
   */
  @InjectTransactionManager()
  async applyDeposit(
    record: DepositRecord,
    source: DepositSource,
    @MedusaContext() sharedContext: Context = {},
  ): Promise<DepositApplication> {
    return applyDepositFacts(transactionOf(sharedContext), this.depositFacts(record), source, this.applyOptions())
  }

  /**
   * Parks a deposit whose record could not be applied (needs_review, with the reason), in its own transaction,
   * so nothing behind it waits (deposits/park-deposit.ts).
   */
  @InjectTransactionManager()
  async parkDeposit(
    pulled: PulledDeposit,
    source: DepositSource,
    reason: string,
    @MedusaContext() sharedContext: Context = {},
  ): Promise<DepositApplication> {
    const o = this.applyOptions()
    const offset = this.options_.callbackUtcOffsetMinutes
    const facts = pulled.kind === "record" ? this.depositFacts(pulled.record) : factsOfUnreadable(pulled, offset, o.now)
    return parkDepositFacts(transactionOf(sharedContext), { facts, readable: pulled.kind === "record", reason, source }, o)
  }

  /**
   * An admin credits a held, orphaned or parked deposit to a payment (same ledger, same locks), only if the WaaS,
   * asked again now, reports it successful (deposits/admin-decisions.ts).
   */
  async attachDeposit(input: AttachInput, sharedContext: Context = {}): Promise<DepositApplication> {
    const waas = await this.readDepositForDecision_(input.deposit_id, sharedContext)
    return this.decide_((trx, o) => attachDeposit(trx, { ...input, waas }, o), sharedContext)
  }

  /** An admin sends a deposit the WaaS reports received back (the withdrawal flow pays refund_pending deposits). */
  async markDepositForRefund(input: DecisionInput, sharedContext: Context = {}): Promise<DepositApplication> {
    const waas = await this.readDepositForDecision_(input.deposit_id, sharedContext)
    return this.decide_((trx, o) => markDepositForRefund(trx, { ...input, waas }, o), sharedContext)
  }

  /** An admin has dealt with a reversed deposit: it leaves the review queue. */
  async acknowledgeReversal(input: DecisionInput, sharedContext: Context = {}): Promise<DepositApplication> {
    return this.decide_((trx, o) => acknowledgeReversal(trx, input, o), sharedContext)
  }

  /** What the poller re-reads: unfinished at the WaaS, or waiting for an admin (deposits/reread-sql.ts). */
  @InjectManager()
  async listDepositsToReread(limit: number, @MedusaContext() sharedContext: Context = {}): Promise<RereadRow[]> {
    return listDepositsToReread(knexOf(sharedContext), limit)
  }

  @InjectManager()
  async markDepositsReread(waasDepositIds: string[], @MedusaContext() sharedContext: Context = {}): Promise<void> {
    await markReread(knexOf(sharedContext), waasDepositIds)
  }

  /** Paid or overpaid payments whose Medusa payment has not been captured yet (an earlier capture failed). */
  @InjectManager()
  async listSettledPaymentsNotCaptured(limit: number, @MedusaContext() sharedContext: Context = {}): Promise<string[]> {
    const result = await knexOf(sharedContext).raw<{ rows: Array<{ id: string }> }>(
      `SELECT id FROM ${PAYMENT_TABLE}
        WHERE status IN ('paid', 'overpaid') AND medusa_captured_at IS NULL AND deleted_at IS NULL
        ORDER BY updated_at ASC LIMIT :limit`,
      { limit },
    )
    return result.rows.map((r) => r.id)
  }

  @InjectManager()
  async markMedusaCaptured(id: string, @MedusaContext() sharedContext: Context = {}): Promise<void> {
    await knexOf(sharedContext).raw(
      `UPDATE ${PAYMENT_TABLE} SET medusa_captured_at = now(), updated_at = now() WHERE id = ? AND medusa_captured_at IS NULL`,
      [id],
    )
  }

  /* ------------------------------------------------------------------ the deposit poller */

  /**
   * Runs `fn` while holding the poll's advisory lock; false (without running it) when another instance
   * holds it. The lock is the transaction's, so a crashed poller releases it with its connection.
   */
  @InjectManager()
  async withDepositPollLock(fn: () => Promise<void>, @MedusaContext() sharedContext: Context = {}): Promise<boolean> {
    const result = await withAdvisoryLock(knexOf(sharedContext), DEPOSIT_POLL_LOCK_KEY, fn)
    return result.acquired
  }

  @InjectManager()
  async isDepositPollDue(@MedusaContext() sharedContext: Context = {}): Promise<boolean> {
    return isCursorDue(knexOf(sharedContext), DEPOSIT_CURSOR, this.options_.depositPollIntervalSeconds)
  }

  @InjectManager()
  async markDepositPollRun(@MedusaContext() sharedContext: Context = {}): Promise<void> {
    await touchCursor(knexOf(sharedContext), DEPOSIT_CURSOR)
  }

  @InjectManager()
  async getDepositCursor(@MedusaContext() sharedContext: Context = {}): Promise<string> {
    return readCursor(knexOf(sharedContext), DEPOSIT_CURSOR)
  }

  /** Moves the syncDepositList cursor forward from `from` (compare-and-set); only after a page is applied. */
  @InjectManager()
  async advanceDepositCursor(from: string, to: string, @MedusaContext() sharedContext: Context = {}): Promise<void> {
    await advanceCursor(knexOf(sharedContext), DEPOSIT_CURSOR, from, to)
  }

  /* ------------------------------------------------------------------ internals */

  /** Claim + insert, one transaction. Rolls back with PoolEmptySignal when there is no address. */
  @InjectTransactionManager()
  protected async insertPaymentWithAddress_(
    input: PaymentForSessionInput,
    coin: CoinConfig,
    quote: Quote,
    preferredAddressId: string | undefined,
    @MedusaContext() sharedContext: Context = {},
  ): Promise<CryptoPaymentDTO> {
    const db = transactionOf(sharedContext)
    const now = this.now_()
    const paymentId = generateEntityId(undefined, "wcpay")
    const address = await this.claim(db, coin.symbol, paymentId, now, preferredAddressId)
    await this.createCryptoPayments(
      {
        id: paymentId,
        payment_session_id: input.session_id,
        ...this.quoteFields(input, coin, quote, address, now),
        address_assigned_at: now,
        address_free_since: address.free_since ?? null,
        status: "awaiting_payment",
        amount_received: "0",
        amount_pending: "0",
      },
      sharedContext,
    )
    // read back: the caller gets the row as stored (every column, database defaults included)
    return this.retrieveCryptoPayment(paymentId, {}, sharedContext)
  }

  @InjectTransactionManager()
  protected async requote_(
    input: PaymentForSessionInput,
    coin: CoinConfig,
    quote: Quote,
    preferredAddressId: string | undefined,
    @MedusaContext() sharedContext: Context = {},
  ): Promise<CryptoPaymentDTO> {
    const db = transactionOf(sharedContext)
    const payment = await this.lockPaymentBySession(db, input.session_id, sharedContext)
    if (!payment) throw new MedusaError(MedusaError.Types.NOT_FOUND, `no crypto payment for payment session ${input.session_id}`)
    if (depositSeen(payment)) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `crypto payment ${payment.id} cannot be re-quoted: a deposit has already been seen for it`,
      )
    }
    if (payment.status !== "awaiting_payment") CryptoPaymentMachine.assertTransition(payment.status, "awaiting_payment")
    const now = this.now_()
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
          ...this.releaseTarget(payment, now),
        })
      }
      address = await this.claim(db, coin.symbol, payment.id, now, preferredAddressId)
    }
    await this.writeCryptoPayments_(
      {
        id: payment.id,
        ...this.quoteFields(input, coin, quote, address, now),
        // deposits are matched to the payment holding their address at the time: from now on, this one
        ...(swapped && { address_assigned_at: now, address_free_since: address.free_since ?? null }),
        status: "awaiting_payment",
      },
      sharedContext,
    )
    return this.retrieveCryptoPayment(payment.id, {}, sharedContext)
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

  private quoteFields(input: QuoteInput, coin: CoinConfig, quote: Quote, address: ClaimedAddress, now: Date) {
    const expiresAt = new Date(now.getTime() + this.options_.quoteLifetimeSeconds * 1000)
    return {
      symbol: coin.symbol,
      network: coin.network,
      address: address.address,
      memo: address.memo,
      pool_address_id: address.id,
      fiat_amount: bigNumberColumn(formatDecimal(toPositiveFiat(input.amount))),
      currency_code: input.currency_code.toLowerCase(),
      amount_due: quote.amount_due,
      rate: quote.rate,
      rate_source: quote.rate_source,
      rate_at: quote.rate_at,
      decimals: coin.decimals,
      expires_at: expiresAt,
      monitor_until: new Date(expiresAt.getTime() + this.options_.monitoringWindowSeconds * 1000),
    }
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
    this.logger_.warn(
      `medusa-plugin-waas: the ${symbol} address pool ran dry at checkout; fetching one address from the WaaS now. ` +
        `Raise poolLowWatermark or run the refill more often.`,
    )
    let addressId: string
    try {
      const ms = this.options_.liveFetchTimeoutMs
      addressId = await withTimeout(this.provisionLive_(symbol), ms, () => new LiveFetchTimeout(ms))
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e)
      this.logger_.error(`medusa-plugin-waas: live ${symbol} address fetch failed at checkout: ${detail}`)
      throw new NoDepositAddressError(symbol, publicWaasFailure(e, this.options_.liveFetchTimeoutMs), detail)
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

  @InjectManager()
  protected async provisionLive_(symbol: string, @MedusaContext() sharedContext: Context = {}): Promise<string> {
    const { addressId } = await this.provisioner(knexOf(sharedContext)).provisionNew(symbol)
    return addressId
  }

  private provisioner(db: Knex): AccountProvisioner {
    return new AccountProvisioner({
      db,
      client: () => this.getClient(),
      now: () => this.now_(),
      emailDomain: this.options_.syntheticEmailDomain,
      userCap: this.options_.userCap,
    })
  }

  /** Locks the session's payment row for the rest of the transaction, then reads it. */
  private async lockPaymentBySession(
    db: Knex.Transaction,
    session_id: string,
    sharedContext: Context,
  ): Promise<CryptoPaymentDTO | null> {
    const locked = await db.raw<{ rows: Array<{ id: string }> }>(
      `SELECT id FROM ${PAYMENT_TABLE} WHERE payment_session_id = ? AND deleted_at IS NULL FOR UPDATE`,
      [session_id],
    )
    if (!locked.rows[0]) return null
    return this.retrieveCryptoPayment(locked.rows[0].id, {}, sharedContext)
  }

  private returnExisting(payment: CryptoPaymentDTO): CryptoPaymentDTO {
    if (payment.status === "canceled") {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `the crypto payment of payment session ${payment.payment_session_id} was canceled; start a new payment session`,
      )
    }
    return payment
  }

  /**
   * Where an address goes when its payment lets go of it early (session deleted, coin swapped). The shopper
   * has seen it either way. addressReuse "never": retired. A deposit seen: the full quarantine. No deposit:
   * out of the pool until the quote's monitoring window would have closed, so a late transfer from that quote
   * lands on an address no other payment holds (an orphan for review), never on the next shopper's order.
   */
  private releaseTarget(
    payment: { monitor_until: Date | string; amount_received: string; amount_pending: string },
    now: Date,
  ): { to: "available" | "cooling" | "retired"; coolingUntil?: Date } {
    if (this.options_.addressReuse.mode === "never") return { to: "retired" }
    if (depositSeen(payment)) return { to: "cooling", coolingUntil: this.coolingUntil(now) }
    const watchedUntil = new Date(payment.monitor_until)
    return watchedUntil > now ? { to: "cooling", coolingUntil: watchedUntil } : { to: "available" }
  }

  private quarantineTarget(): "cooling" | "retired" {
    return this.options_.addressReuse.mode === "never" ? "retired" : "cooling"
  }

  private coolingUntil(now: Date): Date {
    const reuse = this.options_.addressReuse
    const seconds = reuse.mode === "quarantine" ? reuse.quarantineSeconds : 0
    return new Date(now.getTime() + seconds * 1000)
  }

  private applyOptions(): ApplyOptions {
    const o = this.options_
    return { latePolicy: o.latePaymentPolicy, tolerance: o.underpaymentTolerance, graceSeconds: o.depositClockGraceSeconds, now: this.now_() }
  }

  /** A pulled WaaS record as ledger facts: canonical amount, dates (list records carry epoch ms). */
  private depositFacts(record: DepositRecord): DepositFactsRow {
    return factsOfRecord(record, this.options_.callbackUtcOffsetMinutes)
  }

  /** An admin decision in one transaction, under the ledger's locks (deposits/admin-decisions.ts). */
  @InjectTransactionManager()
  protected async decide_(
    run: (trx: Knex.Transaction, o: ApplyOptions) => Promise<DepositApplication>,
    @MedusaContext() sharedContext: Context = {},
  ): Promise<DepositApplication> {
    return run(transactionOf(sharedContext), this.applyOptions())
  }

  /**
   * What the WaaS says of a deposit right now, for an admin's decision: asked BEFORE the decision's transaction
   * (no row is locked while waiting on the WaaS). A deposit not waiting for a decision is refused first; a WaaS
   * that cannot be asked refuses the decision too, changing nothing.
   */
  private async readDepositForDecision_(depositId: string, sharedContext: Context): Promise<WaasReading> {
    const [row] = await this.listDeposits({ id: depositId }, { take: 1 }, sharedContext)
    if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `deposit ${depositId} does not exist`)
    assertAwaitingDecision(row)
    let pulled: PulledDeposit | null
    try {
      pulled = await this.pullDeposit(row.waas_deposit_id)
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e)
      throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `deposit ${depositId} could not be re-read from the WaaS (${why}); nothing was changed`)
    }
    return waasReadingOf(pulled, this.options_.callbackUtcOffsetMinutes)
  }

  private findCoin(symbol: string): CoinConfig | undefined {
    return this.options_.coins.find((c) => c.symbol === symbol)
  }

  private requireEnabledCoin(symbol: string | undefined): CoinConfig {
    const wanted = symbol ?? this.options_.defaultCoin
    const coin = this.findCoin(wanted)
    if (!coin || !coin.enabled) {
      const enabled = this.options_.coins.filter((c) => c.enabled).map((c) => c.symbol)
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `unknown or disabled coin "${wanted}"; this store accepts ${enabled.join(", ")}`,
      )
    }
    return coin
  }
}


export type { CryptoPaymentDTO, PaymentForSessionInput, PoolStats, PublicCoin, Quote, QuoteInput } from "./types"
export type { CryptoPaymentStatus, RefillReport }
