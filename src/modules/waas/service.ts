import type { Context } from "@medusajs/framework/types"
import { Alerts } from "./alerts/alerts"
import type { DepositRecord, Notification } from "../../protocol"
import { CallbackCheck, CallbackInbox as Inbox } from "./callbacks/inbox"
import type { CallbackListState, CallbackSide, ClaimedCallback, RecordedCallback } from "./callbacks/inbox-sql"
import { Coins } from "./checkout/coins"
import { PaymentClaims } from "./checkout/payment-claims"
import { PaymentLifecycle } from "./checkout/payment-lifecycle"
import { PaymentPage } from "./checkout/payment-page/payment-page"
import type { CryptoPaymentStatus } from "./checkout/payment-states"
import type { CryptoPaymentPublicView } from "./checkout/public-view"
import { Quotes } from "./checkout/quotes"
import type { AttachInput, DecisionInput } from "./deposits/admin-decisions"
import type { CapturablePayment, DepositApplication, DepositSource } from "./deposits/application"
import { DepositDecisions } from "./deposits/deposit-decisions"
import { DepositLedger, DepositOptions } from "./deposits/deposit-ledger"
import { DepositPollState } from "./deposits/deposit-poll-state"
import type { PageEntry } from "./deposits/apply-page"
import type { PulledDeposit } from "./deposits/pulled-deposit"
import type { RereadRow } from "./deposits/reread-sql"
import { WaasModuleBase } from "./module-base"
import { AddressUpkeepReport, PoolUpkeep } from "./pool/pool-upkeep"
import type { RefillReport } from "./pool/refill"
import type { CryptoPaymentDTO, PaymentForSessionInput, PoolStats, PublicCoin, Quote, QuoteInput } from "./types"
import { Reconciliation } from "./reconciliation/reconciliation"
import { Withdrawals } from "./withdrawals/withdrawals"
import { PaymentSearch } from "./checkout/payment-search"
import { Health } from "./health/health"
import type { RefillRunRow, RefillTrigger } from "./pool/refill-runs-sql"
import { usePreparedStatements } from "./prepared-sql"

/**
 * The `waas` module's one public face (Medusa resolves it as `waas`). A facade: each method hands over to
 * the domain that owns the work (checkout/, pool/, callbacks/, deposits/; see the README). The plumbing the
 * domains share (options, the WaaS client, database access, shutdown) is module-base.ts; only the module
 * talks to the WaaS.
 */
export default class WaasModuleService extends WaasModuleBase {
  private readonly coins_: Coins
  private readonly quotes_: Quotes
  private readonly payments_: PaymentLifecycle
  private readonly claims_: PaymentClaims
  private readonly pool_: PoolUpkeep
  private readonly inbox_: Inbox
  private readonly deposits_: DepositLedger
  private readonly decisions_: DepositDecisions
  private readonly depositPoll_: DepositPollState
  private readonly withdrawals_: Withdrawals
  private readonly reconciliation_: Reconciliation
  private readonly paymentPage_: PaymentPage
  private readonly paymentSearch_: PaymentSearch
  private readonly health_: Health
  private readonly alerts_: Alerts

  constructor(...args: ConstructorParameters<typeof WaasModuleBase>) {
    super(...args)
    const deps = this.deps_
    usePreparedStatements(this.options_.dbPreparedStatements)
    this.coins_ = new Coins(this.options_)
    this.quotes_ = new Quotes(this.options_, this.coins_, deps.now)
    this.payments_ = new PaymentLifecycle(deps, this.paymentRows_, this.coins_)
    this.claims_ = new PaymentClaims(deps, this.paymentRows_, this.coins_, this.quotes_, this.payments_)
    this.pool_ = new PoolUpkeep(deps)
    this.inbox_ = new Inbox(deps)
    this.closers_.push(() => this.inbox_.close())
    this.deposits_ = new DepositLedger(deps)
    this.decisions_ = new DepositDecisions(deps, this.deposits_)
    this.depositPoll_ = new DepositPollState(deps)
    this.paymentPage_ = new PaymentPage(this.options_.paymentPage, this.payments_, this.coins_, deps.now)
    this.paymentSearch_ = new PaymentSearch(deps, this.paymentRows_)
    this.health_ = new Health(deps)
    this.alerts_ = new Alerts(deps)
    this.withdrawals_ = new Withdrawals(deps, this.coins_, (symbol, currency_code) => this.quotes_.quote({ amount: 1, currency_code, symbol }))
    this.reconciliation_ = new Reconciliation(deps)
  }

  /** the pool's first fill, in the background, as the application starts (pool/boot-fill.ts) */
  protected onStarted_(): void {
    this.pool_.fillAtBoot()
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

  /** `trigger`/`actor` only label the run's log line (waas_pool_refill_run) */
  refillPool(opts: { symbols?: string[]; trigger?: RefillTrigger; actor?: string | null } = {}, sharedContext: Context = {}): Promise<RefillReport> {
    return this.pool_.refillPool(opts, sharedContext)
  }

  lastRefillRuns(sharedContext: Context = {}): Promise<{ last: RefillRunRow | null; lastCompleted: RefillRunRow | null }> {
    return this.pool_.lastRefillRuns(sharedContext)
  }

  releaseCooledAddresses(now: Date = new Date(), sharedContext: Context = {}): Promise<AddressUpkeepReport> {
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

  /** A page of rows leased in one statement (issue 11); those another processor holds are not among them. */
  claimCallbacks(ids: readonly string[], side: CallbackSide, sharedContext: Context = {}): Promise<ClaimedCallback[]> {
    return this.inbox_.claimMany(ids, side, sharedContext)
  }

  completeCallbacks(entries: ReadonlyArray<{ id: string; seenCount: number; outcome: string }>, sharedContext: Context = {}) {
    return this.inbox_.completeMany(entries, sharedContext)
  }

  releaseCallback(id: string, error: string | null, sharedContext: Context = {}): Promise<void> {
    return this.inbox_.release(id, error, sharedContext)
  }

  recordCallbackFailure(id: string, error: string, sharedContext: Context = {}): Promise<void> {
    return this.inbox_.recordFailure(id, error, sharedContext)
  }

  listCallbacksByState(state: CallbackListState, page: { limit: number; offset: number }, sharedContext: Context = {}) {
    return this.inbox_.listByState(state, page, sharedContext)
  }

  listPendingCallbacks(side: CallbackSide, limit: number, sharedContext: Context = {}): Promise<string[]> {
    return this.inbox_.listPending(side, limit, sharedContext)
  }

  /** pending rows with their failures so far: the deposit sweep processes the failing ones on their own */
  listPendingCallbackRows(side: CallbackSide, limit: number, sharedContext: Context = {}) {
    return this.inbox_.listPendingRows(side, limit, sharedContext)
  }

  reopenCallback(id: string, sharedContext: Context = {}): Promise<boolean> {
    return this.inbox_.reopen(id, sharedContext)
  }

  /* ------------------------------------------------------------------ deposits (deposits/) */

  getDepositOptions(): DepositOptions {
    return this.deposits_.depositOptions()
  }

  pullDeposit(waasDepositId: string): Promise<PulledDeposit | null> {
    return this.deposits_.pullDeposit(waasDepositId)
  }

  pullDeposits(waasDepositIds: string[]): Promise<PulledDeposit[]> {
    return this.deposits_.pullDeposits(waasDepositIds)
  }

  syncDepositsAfter(cursor: string): Promise<{ deposits: PulledDeposit[]; unidentified: number }> {
    return this.deposits_.syncDepositsAfter(cursor)
  }

  listAppliedUnchangedDeposits(pulled: readonly PulledDeposit[], sharedContext: Context = {}): Promise<Set<string>> {
    return this.deposits_.listAppliedUnchanged(pulled, sharedContext)
  }

  applyDeposit(record: DepositRecord, source: DepositSource, sharedContext: Context = {}): Promise<DepositApplication> {
    return this.deposits_.applyDeposit(record, source, sharedContext)
  }

  parkDeposit(pulled: PulledDeposit, source: DepositSource, reason: string, sharedContext: Context = {}): Promise<DepositApplication> {
    return this.deposits_.parkDeposit(pulled, source, reason, sharedContext)
  }

  /** A page of pulled deposits applied in WaaS id order: set-based (page-ledger.ts), else one at a time (apply-page.ts). */
  applyDepositPage(pulled: readonly PulledDeposit[], source: DepositSource, opts: { stopAtFailure: boolean }): Promise<PageEntry[]> {
    return this.deposits_.applyPage(pulled, source, opts)
  }

  /** An admin credits a held, orphaned or parked deposit, only if the WaaS, asked again now, reports it successful. */
  attachDeposit(input: AttachInput, sharedContext: Context = {}): Promise<DepositApplication> {
    return this.decisions_.attach(input, sharedContext)
  }

  markDepositForRefund(input: DecisionInput, sharedContext: Context = {}): Promise<DepositApplication> {
    return this.decisions_.markForRefund(input, sharedContext)
  }

  acknowledgeReversal(input: DecisionInput, sharedContext: Context = {}): Promise<DepositApplication> {
    return this.decisions_.acknowledgeReversal(input, sharedContext)
  }

  listDepositsToReread(limit: number, sharedContext: Context = {}): Promise<RereadRow[]> {
    return this.deposits_.listDepositsToReread(limit, sharedContext)
  }

  markDepositsReread(waasDepositIds: string[], sharedContext: Context = {}): Promise<void> {
    return this.deposits_.markDepositsReread(waasDepositIds, sharedContext)
  }

  listSettledPaymentsNotCaptured(limit: number, sharedContext: Context = {}): Promise<string[]> {
    return this.deposits_.listSettledPaymentsNotCaptured(limit, sharedContext)
  }

  markMedusaCaptured(id: string, sharedContext: Context = {}): Promise<void> {
    return this.deposits_.markMedusaCaptured(id, sharedContext)
  }

  readCapturablePayment(id: string, sharedContext: Context = {}): Promise<CapturablePayment | null> {
    return this.deposits_.readCapturable(id, sharedContext)
  }

  /** The deposit poller's lock, due time and sync cursor (deposits/deposit-poll-state.ts). */
  depositPoll(): DepositPollState {
    return this.depositPoll_
  }

  /** The hosted payment page's options, text and per-session model (checkout/payment-page/). */
  paymentPage(): PaymentPage {
    return this.paymentPage_
  }

  /** Refunds as WaaS withdrawals (withdrawals/): one accessor, the domain's methods behind it, keeps this facade small. */
  withdrawals(): Withdrawals {
    return this.withdrawals_
  }

  /** The daily reconciliation (reconciliation/): the WaaS mirror, runs, breaks, fees per order, the export. */
  reconciliation(): Reconciliation {
    return this.reconciliation_
  }

  /** The admin's payments list: filters and search (checkout/payment-search.ts). */
  paymentSearch(): PaymentSearch {
    return this.paymentSearch_
  }

  /** The admin's Health tab: the live WaaS check, callbacks received and refused, the pollers (health/). */
  health(): Health {
    return this.health_
  }

  /** Operator alerts (alerts/): raised once while a condition holds, resolved when it clears. */
  alerts(): Alerts {
    return this.alerts_
  }
}

export type { CryptoPaymentDTO, PaymentForSessionInput, PoolStats, PublicCoin, Quote, QuoteInput } from "./types"
export type { CryptoPaymentStatus, RefillReport }
