import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { Context, Logger } from "@medusajs/framework/types"
import { InjectManager, InjectTransactionManager, MedusaContext, MedusaService } from "@medusajs/framework/utils"
import type { WaasClient } from "../../client"
import type { DepositRecord, Notification } from "../../protocol"
import { CallbackCheck, CallbackInbox as Inbox } from "./callbacks/inbox"
import type { CallbackSide, ClaimedCallback, RecordedCallback } from "./callbacks/inbox-sql"
import { Coins } from "./checkout/coins"
import { PaymentClaims } from "./checkout/payment-claims"
import { PaymentLifecycle } from "./checkout/payment-lifecycle"
import type { CryptoPaymentStatus } from "./checkout/payment-states"
import type { CryptoPaymentPublicView } from "./checkout/public-view"
import { Quotes } from "./checkout/quotes"
import { knexOf, transactionOf } from "./db-context"
import { createModuleClient } from "./module-client"
import type { AttachInput, DepositApplication, DepositSource } from "./deposits/apply-deposit"
import { DepositLedger, DepositOptions } from "./deposits/deposit-ledger"
import { DepositPollState } from "./deposits/deposit-poll-state"
import type { ModuleDb, ModuleDeps, PaymentRows } from "./module-context"
import CallbackInbox from "./models/callback-inbox"
import CryptoPayment from "./models/crypto-payment"
import Deposit from "./models/deposit"
import DepositCredit from "./models/deposit-credit"
import PoolAddress from "./models/pool-address"
import SyncCursor from "./models/sync-cursor"
import WaasAccount from "./models/waas-account"
import { parseWaasOptions, redactOptions, WaasOptions } from "./options"
import { PoolUpkeep } from "./pool/pool-upkeep"
import type { RefillReport } from "./pool/refill"
import { installCrudGuards } from "./status-write-guard"
import type { CryptoPaymentDTO, PaymentForSessionInput, PoolStats, PublicCoin, Quote, QuoteInput } from "./types"
import { Withdrawals } from "./withdrawals/withdrawals"

type InjectedDependencies = { logger: Logger }

/**
 * The `waas` module's one public face (Medusa resolves it as `waas`). A facade: each method hands over to
 * the domain that owns the work (checkout/, pool/, callbacks/, deposits/; see the README). The domains
 * share the options, the log, the clock, the one WaaS client and database access through ModuleDeps;
 * only the module talks to the WaaS.
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
  /**
   * Mutable state lives in a holder set once in the constructor: the service may be reached through a proxy
   * (the module test runner uses one), where assigning a field would land on the proxy, not on the service.
   */
  private readonly lazy_: { client: WaasClient | null } = { client: null }
  private readonly coins_: Coins
  private readonly quotes_: Quotes
  private readonly payments_: PaymentLifecycle
  private readonly claims_: PaymentClaims
  private readonly pool_: PoolUpkeep
  private readonly inbox_: Inbox
  private readonly deposits_: DepositLedger
  private readonly depositPoll_: DepositPollState
  private readonly withdrawals_: Withdrawals

  constructor(container: InjectedDependencies, options: unknown) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.options_ = parseWaasOptions(options)
    this.logger_ = container.logger

    // statuses and ledger figures change only through the domains' lifecycle code (status-write-guard.ts)
    const writeCryptoPayments = installCrudGuards(this)

    const db: ModuleDb = {
      transaction: (fn, ctx) => this.inTransaction_(fn, ctx),
      read: (fn, ctx) => this.withManager_(fn, ctx),
    }
    const deps: ModuleDeps = { options: this.options_, logger: this.logger_, now: () => new Date(), client: () => this.getClient(), db }
    type Row = never
    const rows: PaymentRows = {
      list: (filter, take, ctx) => this.listCryptoPayments(filter, { take }, ctx),
      retrieve: (id, ctx) => this.retrieveCryptoPayment(id, {}, ctx),
      create: (data, ctx) => this.createCryptoPayments(data as Row, ctx),
      update: (data, ctx) => this.updateCryptoPayments(data as Row, ctx),
      writeLifecycle: (data, ctx) => writeCryptoPayments(data as Row, ctx),
    }
    this.coins_ = new Coins(this.options_)
    this.quotes_ = new Quotes(this.options_, this.coins_, deps.now)
    this.payments_ = new PaymentLifecycle(deps, rows, this.coins_)
    this.claims_ = new PaymentClaims(deps, rows, this.coins_, this.quotes_, this.payments_)
    this.pool_ = new PoolUpkeep(deps)
    this.inbox_ = new Inbox(deps)
    this.deposits_ = new DepositLedger(deps)
    this.depositPoll_ = new DepositPollState(deps)
    this.withdrawals_ = new Withdrawals(deps, this.coins_, (symbol, currency_code) => this.quotes_.quote({ amount: 1, currency_code, symbol }))
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
    this.lazy_.client ??= createModuleClient(this.options_, this.logger_)
    return this.lazy_.client
  }

  listEnabledCoins(): PublicCoin[] {
    return this.coins_.listEnabled()
  }

  /* ------------------------------------------------------------------ checkout (checkout/) */

  /** An indicative quote; writes nothing. */
  quote(input: QuoteInput): Promise<Quote> {
    return this.quotes_.quote(input)
  }

  createPaymentForSession(input: PaymentForSessionInput, sharedContext: Context = {}): Promise<CryptoPaymentDTO> {
    return this.claims_.createPaymentForSession(input, sharedContext)
  }

  requotePayment(input: PaymentForSessionInput, sharedContext: Context = {}): Promise<CryptoPaymentDTO> {
    return this.claims_.requotePayment(input, sharedContext)
  }

  releasePaymentForSession(session_id: string, sharedContext: Context = {}): Promise<void> {
    return this.payments_.releasePaymentForSession(session_id, sharedContext)
  }

  retrievePaymentBySession(session_id: string, sharedContext: Context = {}): Promise<CryptoPaymentDTO | null> {
    return this.payments_.retrieveBySession(session_id, sharedContext)
  }

  attachOrder(session_id: string, order_id: string, sharedContext: Context = {}): Promise<CryptoPaymentDTO> {
    return this.payments_.attachOrder(session_id, order_id, sharedContext)
  }

  toPublicView(payment: CryptoPaymentDTO): CryptoPaymentPublicView {
    return this.payments_.toPublicView(payment)
  }

  expireStalePayments(now: Date = new Date(), sharedContext: Context = {}): Promise<{ expired: number }> {
    return this.payments_.expireStalePayments(now, sharedContext)
  }

  /* ------------------------------------------------------------------ pool upkeep (pool/) */

  refillPool(opts: { symbols?: string[] } = {}, sharedContext: Context = {}): Promise<RefillReport> {
    return this.pool_.refillPool(opts, sharedContext)
  }

  releaseCooledAddresses(
    now: Date = new Date(),
    sharedContext: Context = {},
  ): Promise<{ cooling: number; retired: number; available: number }> {
    return this.pool_.releaseCooledAddresses(now, sharedContext)
  }

  poolStats(sharedContext: Context = {}): Promise<PoolStats> {
    return this.pool_.poolStats(sharedContext)
  }

  /* ------------------------------------------------------------------ callbacks (callbacks/) */

  getCallbackCheck(): CallbackCheck {
    return this.inbox_.callbackCheck()
  }

  recordCallback(notification: Notification, sharedContext: Context = {}): Promise<RecordedCallback> {
    return this.inbox_.record(notification, sharedContext)
  }

  claimCallback(id: string, side: CallbackSide, sharedContext: Context = {}): Promise<ClaimedCallback | null> {
    return this.inbox_.claim(id, side, sharedContext)
  }

  completeCallback(id: string, seenCount: number, outcome: string, sharedContext: Context = {}): Promise<{ more: boolean }> {
    return this.inbox_.complete(id, seenCount, outcome, sharedContext)
  }

  releaseCallback(id: string, error: string | null, sharedContext: Context = {}): Promise<void> {
    return this.inbox_.release(id, error, sharedContext)
  }

  listPendingCallbacks(side: CallbackSide, limit: number, sharedContext: Context = {}): Promise<string[]> {
    return this.inbox_.listPending(side, limit, sharedContext)
  }

  reopenCallback(id: string, sharedContext: Context = {}): Promise<boolean> {
    return this.inbox_.reopen(id, sharedContext)
  }

  /* ------------------------------------------------------------------ deposits (deposits/) */

  getDepositOptions(): DepositOptions {
    return this.deposits_.depositOptions()
  }

  pullDeposit(waasDepositId: string): Promise<DepositRecord | null> {
    return this.deposits_.pullDeposit(waasDepositId)
  }

  pullDeposits(waasDepositIds: string[]): Promise<DepositRecord[]> {
    return this.deposits_.pullDeposits(waasDepositIds)
  }

  syncDepositsAfter(cursor: string): Promise<DepositRecord[]> {
    return this.deposits_.syncDepositsAfter(cursor)
  }

  applyDeposit(record: DepositRecord, source: DepositSource, sharedContext: Context = {}): Promise<DepositApplication> {
    return this.deposits_.applyDeposit(record, source, sharedContext)
  }

  attachDeposit(input: AttachInput, sharedContext: Context = {}): Promise<DepositApplication> {
    return this.deposits_.attachDeposit(input, sharedContext)
  }

  markDepositForRefund(
    input: { deposit_id: string; actor: string | null; note: string | null },
    sharedContext: Context = {},
  ): Promise<DepositApplication> {
    return this.deposits_.markDepositForRefund(input, sharedContext)
  }

  listDepositIdsAwaitingWaas(limit: number, sharedContext: Context = {}): Promise<string[]> {
    return this.deposits_.listDepositIdsAwaitingWaas(limit, sharedContext)
  }

  listSettledPaymentsNotCaptured(limit: number, sharedContext: Context = {}): Promise<string[]> {
    return this.deposits_.listSettledPaymentsNotCaptured(limit, sharedContext)
  }

  markMedusaCaptured(id: string, sharedContext: Context = {}): Promise<void> {
    return this.deposits_.markMedusaCaptured(id, sharedContext)
  }

  withDepositPollLock(fn: () => Promise<void>, sharedContext: Context = {}): Promise<boolean> {
    return this.depositPoll_.withLock(fn, sharedContext)
  }

  isDepositPollDue(sharedContext: Context = {}): Promise<boolean> {
    return this.depositPoll_.isDue(sharedContext)
  }

  markDepositPollRun(sharedContext: Context = {}): Promise<void> {
    return this.depositPoll_.markRun(sharedContext)
  }

  getDepositCursor(sharedContext: Context = {}): Promise<string> {
    return this.depositPoll_.cursor(sharedContext)
  }

  advanceDepositCursor(from: string, to: string, sharedContext: Context = {}): Promise<void> {
    return this.depositPoll_.advance(from, to, sharedContext)
  }

  /** Refunds as WaaS withdrawals (withdrawals/): one accessor, the domain's methods behind it, keeps this facade small. */
  withdrawals(): Withdrawals { return this.withdrawals_ }

  /* ------------------------------------------------------------------ database access for the domains */

  /** `fn` inside the context's transaction, or a new one (Medusa's decorator decides, as on any method). */
  @InjectTransactionManager()
  protected async inTransaction_<T>(
    fn: (trx: Knex.Transaction, ctx: Context) => Promise<T>,
    @MedusaContext() sharedContext: Context = {},
  ): Promise<T> {
    return fn(transactionOf(sharedContext), sharedContext)
  }

  @InjectManager()
  protected async withManager_<T>(fn: (db: Knex, ctx: Context) => Promise<T>, @MedusaContext() sharedContext: Context = {}): Promise<T> {
    return fn(knexOf(sharedContext), sharedContext)
  }
}

export type { CryptoPaymentDTO, PaymentForSessionInput, PoolStats, PublicCoin, Quote, QuoteInput } from "./types"
export type { CryptoPaymentStatus, RefillReport }
