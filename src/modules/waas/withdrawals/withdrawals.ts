import type { Context } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import type { KeyObject } from "node:crypto"
import { loadPrivateKey, type WithdrawConfirmationRequest, type WithdrawRecord } from "../../../protocol"
import type { Coins } from "../checkout/coins"
import type { ModuleDeps } from "../module-context"
import { listAudit, listUnmatchedAudit, type AuditRow } from "./audit-sql"
import { answerConfirmation, type ConfirmationVerdict } from "./confirmation"
import { checkDestination, CoinRulesCache, type Destination } from "./destination"
import { MedusaRefunds } from "./medusa-refunds"
import { recordRefundRequest, type CurrentRate, type RefundRequest } from "./requests"
import { approveIfReady, approveWithdrawal, cancelWithdrawal, rejectWithdrawal, setWithdrawalDestination } from "./reviews"
import { findPaymentIdBySession, findPaymentIdOfOrder, pricingOfPayment, refundableCrypto, requestIdOfCallback, symbolOfSource } from "./source-sql"
import { beginSubmission, recordSubmission, sendWithdrawal, withdrawInputOf, type SendOutcome } from "./submission"
import { applyWaasFacts, factsOfRecord, recordMismatch } from "./waas-records"
import { appendAudit } from "./audit-sql"
import { issueAddressToken, tokenMatches } from "./address-link"
import { moveWithdrawal } from "./transitions"
import { transitionEvents } from "./withdrawal-events"
import type { WithdrawalOptions } from "./withdrawal-options"
import { WithdrawalPollState } from "./withdrawal-poll-state"
import { countByStatus, countWithdrawals, listWithdrawals, type WithdrawalFilter } from "./withdrawal-list-sql"
import { findWithdrawal, listRequestIds, lockWithdrawal, lockWithdrawalByRequestId, type WithdrawalRow } from "./withdrawal-sql"
import { WITHDRAWAL_GROUPS, WITHDRAWAL_STATUSES_AT_WAAS, type AuditSource, type WithdrawalGroup, type WithdrawalStatus } from "./withdrawal-states"

/** A refund request before it is resolved: an order may stand for its crypto payment. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
export type RefundRequestInput = DistributiveOmit<RefundRequest, "crypto_payment_id" | "destination"> & {
  crypto_payment_id?: string
  order_id?: string
  destination?: Destination | null
}

/** What changed, with the events to announce (the caller emits them once its transaction committed). */
export interface WithdrawalChangeResult {
  withdrawal: WithdrawalRow
  before: WithdrawalStatus | null
  events: string[]
}

const changed = (before: WithdrawalStatus | null, withdrawal: WithdrawalRow): WithdrawalChangeResult => ({
  withdrawal,
  before,
  events: transitionEvents(before, withdrawal.status),
})

/**
 * The withdrawal domain (refunds as WaaS withdrawals), reached through the module facade's `withdrawals()`.
 * Every write runs in one transaction (the caller's, when its context carries one), under row locks.
 */
export class Withdrawals {
  readonly poll: WithdrawalPollState
  /** the exactly-once Medusa refund of completed payment withdrawals */
  readonly medusaRefunds: MedusaRefunds
  private readonly rules: CoinRulesCache
  private merchantKey: KeyObject | null = null

  constructor(
    private readonly deps: ModuleDeps,
    private readonly coins: Coins,
    private readonly currentRate: (symbol: string, currency: string) => Promise<{ rate: string; rate_source: string; rate_at: Date }>,
  ) {
    this.poll = new WithdrawalPollState(deps)
    this.medusaRefunds = new MedusaRefunds(deps)
    this.rules = new CoinRulesCache(deps)
  }

  get options(): WithdrawalOptions {
    return this.deps.options.withdrawals
  }

  /* ------------------------------------------------------------------ requests and reviews */

  async request(input: RefundRequestInput, sharedContext: Context = {}): Promise<WithdrawalChangeResult> {
    const paymentId = await this.resolvePayment(input, sharedContext)
    const req = { ...input, crypto_payment_id: paymentId, destination: input.destination ?? null } as RefundRequest
    const symbol = await this.symbolOf(req, sharedContext)
    const rules = await this.rules.rulesFor(symbol)
    if (req.destination) req.destination = checkDestination(symbol, req.destination, rules, this.coins.find(symbol) ?? null)
    const rate = "rate_basis" in req && req.rate_basis === "current" ? await this.rateNow(req.crypto_payment_id, sharedContext) : null
    const serviceFee = this.options.serviceFees[symbol] ?? rules?.withdrawFee ?? null
    const row = await this.deps.db.transaction(async (trx) => {
      const now = this.deps.now()
      const created = await recordRefundRequest(trx, req, { options: this.options, now, serviceFee, coin: (s) => this.coins.find(s) ?? null }, rate)
      return approveIfReady(trx, created, null, now)
    }, sharedContext)
    return changed(null, row)
  }

  /**
   * An order was canceled: open a request for what its crypto payment can still refund (waiting for a
   * destination and approval). null when the order has no settled crypto payment or nothing is left.
   */
  async openCancellationRefund(orderId: string, sharedContext: Context = {}): Promise<WithdrawalChangeResult | null> {
    const paymentId = await this.deps.db.read((db) => findPaymentIdOfOrder(db, orderId), sharedContext)
    if (!paymentId) return null
    const left = await this.deps.db.read((db) => refundableCrypto(db, paymentId), sharedContext)
    if (left === null) return null
    return this.request(
      { source: "payment", crypto_payment_id: paymentId, crypto_amount: left, reason: `order ${orderId} canceled`, requested_by: null, destination: null },
      sharedContext,
    )
  }

  approve(id: string, actor: string, sharedContext: Context = {}): Promise<WithdrawalChangeResult> {
    return this.change(id, (trx, now) => approveWithdrawal(trx, id, actor, now), sharedContext)
  }

  reject(id: string, actor: string, reason: string, sharedContext: Context = {}): Promise<WithdrawalChangeResult> {
    return this.change(id, (trx, now) => rejectWithdrawal(trx, id, actor, reason, now), sharedContext)
  }

  cancel(id: string, actor: string, reason: string, sharedContext: Context = {}): Promise<WithdrawalChangeResult> {
    return this.change(id, (trx, now) => cancelWithdrawal(trx, id, actor, reason, now), sharedContext)
  }

  /** a destination's checks without a request (the refund drawer's live validation); writes nothing */
  async checkDestination(symbol: string, destination: Destination): Promise<Destination> {
    return checkDestination(symbol, destination, await this.rules.rulesFor(symbol), this.coins.find(symbol) ?? null)
  }

  async setDestination(
    id: string,
    destination: Destination,
    by: { source: AuditSource; actor: string | null },
    sharedContext: Context = {},
  ): Promise<WithdrawalChangeResult> {
    const current = await this.retrieve(id, sharedContext)
    const checked = checkDestination(current.symbol, destination, await this.rules.rulesFor(current.symbol), this.coins.find(current.symbol) ?? null)
    return this.change(id, (trx, now) => setWithdrawalDestination(trx, id, checked, by, now), sharedContext)
  }

  /** A one-time link for the shopper to give the refund address (the event carries the token). */
  issueAddressLink(id: string, actor: string | null, sharedContext: Context = {}) {
    return this.deps.db.transaction((trx) => issueAddressToken(trx, id, this.options.addressTokenTtlSeconds, actor, this.deps.now()), sharedContext)
  }

  /**
   * The shopper gives the address: with the link's token (used up here), or as the logged-in customer the
   * caller has checked owns the order (`token` null). Refused alike for a wrong, used or expired token.
   */
  async setDestinationAsShopper(
    id: string,
    destination: Destination,
    proof: { token: string } | { customer_id: string },
    sharedContext: Context = {},
  ): Promise<WithdrawalChangeResult> {
    const current = await this.retrieve(id, sharedContext)
    if ("token" in proof && !tokenMatches(current, proof.token, this.deps.now())) {
      throw new MedusaError(MedusaError.Types.UNAUTHORIZED, "this refund link is not valid (used, replaced or expired): ask the store for a new one")
    }
    const checked = checkDestination(current.symbol, destination, await this.rules.rulesFor(current.symbol), this.coins.find(current.symbol) ?? null)
    const actor = "token" in proof ? null : proof.customer_id
    return this.change(
      id,
      async (trx, now) => {
        // checked again under the row lock: two uses of one link cannot both pass
        const locked = await lockWithdrawal(trx, id)
        if (locked && "token" in proof && !tokenMatches(locked, proof.token, now)) {
          throw new MedusaError(MedusaError.Types.UNAUTHORIZED, "this refund link is not valid (used, replaced or expired): ask the store for a new one")
        }
        const row = await setWithdrawalDestination(trx, id, checked, { source: "shopper", actor }, now)
        if (!row.address_token_hash) return row
        // the link is one-time: whoever gave the address, it is spent now
        return moveWithdrawal(trx, row, row.status, { address_token_hash: null, address_token_expires_at: null }, null, now)
      },
      sharedContext,
    )
  }

  /* ------------------------------------------------------------------ submission (the workflow's steps) */

  /** approved → submitting, committed; the row to send, or null when there is nothing to send */
  async beginSubmission(id: string, opts: { redrive?: boolean } = {}, sharedContext: Context = {}): Promise<WithdrawalChangeResult | null> {
    return this.deps.db.transaction(async (trx) => {
      const locked = await lockWithdrawal(trx, id)
      const row = await beginSubmission(trx, locked, opts.redrive ?? false, this.deps.now())
      return row && locked ? changed(locked.status, row) : null
    }, sharedContext)
  }

  /** the WaaS call itself, outside any transaction; never throws for a WaaS answer */
  send(row: WithdrawalRow, opts: { settleDelayMs?: number } = {}): Promise<SendOutcome> {
    if (row.status !== "submitting") throw new Error(`withdrawal ${row.id} is ${row.status}, not submitting`)
    return sendWithdrawal(this.deps.client(), withdrawInputOf(row), opts.settleDelayMs)
  }

  recordSubmission(id: string, outcome: SendOutcome, sharedContext: Context = {}): Promise<WithdrawalChangeResult> {
    return this.change(id, async (trx, now) => (await recordSubmission(trx, id, outcome, now))!, sharedContext)
  }

  /* ------------------------------------------------------------------ the WaaS's reports */

  /** The second confirmation: one indexed read, one audit insert, no WaaS call (confirmation.ts). */
  answerConfirmation(req: WithdrawConfirmationRequest, sharedContext: Context = {}): Promise<ConfirmationVerdict> {
    this.merchantKey ??= loadPrivateKey(this.deps.options.merchantPrivateKey)
    const keys = { merchantPrivateKey: this.merchantKey, mode: this.options.confirmationAnswer }
    return this.deps.db.read((db) => answerConfirmation(db, req, keys, this.deps.now()), sharedContext)
  }

  /** withdrawList by our request_ids (the WaaS answers at most 100 per call; the client pages) */
  pull(requestIds: string[]): Promise<WithdrawRecord[]> {
    return requestIds.length ? this.deps.client().withdrawList(requestIds) : Promise.resolve([])
  }

  syncAfter(cursor: string): Promise<WithdrawRecord[]> {
    return this.deps.client().syncWithdrawList(Number(cursor))
  }

  /** Applies a WaaS record to the withdrawal with its request_id; null when the request_id is not ours. */
  async applyRecord(record: WithdrawRecord, source: AuditSource, sharedContext: Context = {}): Promise<WithdrawalChangeResult | null> {
    if (!record.request_id) return null
    return this.deps.db.transaction(async (trx) => {
      const now = this.deps.now()
      const row = await lockWithdrawalByRequestId(trx, record.request_id)
      if (!row) return null
      const diffs = recordMismatch(row, record)
      if (diffs.length > 0) {
        // the WaaS shows a withdrawal under our request_id that is not the one we sent: never apply it
        await appendAudit(trx, { withdrawal_id: row.id, request_id: row.request_id, action: "waas_record_mismatch", source, actor: null, detail: { differs: diffs, waas_id: record.id } }, now)
        this.deps.logger.error(`medusa-plugin-waas: WaaS withdrawal ${record.id} under request_id ${row.request_id} differs in ${diffs.join(", ")}; not applied`)
        return changed(row.status, row)
      }
      return changed(row.status, await applyWaasFacts(trx, row, factsOfRecord(record), source, now))
    }, sharedContext)
  }

  /** the request_id of a recorded withdraw notification (callbacks/ inbox row), when it names one */
  requestIdOfCallback(inboxId: string, sharedContext: Context = {}): Promise<string | null> {
    return this.deps.db.read((db) => requestIdOfCallback(db, inboxId), sharedContext)
  }

  listRequestIdsAtWaas(limit: number, sharedContext: Context = {}): Promise<string[]> {
    return this.deps.db.read((db) => listRequestIds(db, WITHDRAWAL_STATUSES_AT_WAAS, limit), sharedContext)
  }

  /** approved withdrawals nobody sent yet (a crash between approval and submission) */
  async listApprovedIds(limit: number, sharedContext: Context = {}): Promise<string[]> {
    const rows = await this.deps.db.read((db) => listWithdrawals(db, { status: ["approved"] }, limit), sharedContext)
    return rows.map((r) => r.id)
  }

  /* ------------------------------------------------------------------ reading */

  async retrieve(id: string, sharedContext: Context = {}): Promise<WithdrawalRow> {
    const row = await this.deps.db.read((db) => findWithdrawal(db, id), sharedContext)
    if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `withdrawal ${id} does not exist`)
    return row
  }

  list(filter: WithdrawalFilter, limit = 50, offset = 0, sharedContext: Context = {}): Promise<WithdrawalRow[]> {
    return this.deps.db.read((db) => listWithdrawals(db, filter, limit, offset), sharedContext)
  }

  /** a page of the list, newest first, with how many match in all (the admin's paging) */
  page(filter: WithdrawalFilter, limit: number, offset: number, sharedContext: Context = {}): Promise<{ rows: WithdrawalRow[]; count: number }> {
    return this.deps.db.read(async (db) => ({ rows: await listWithdrawals(db, filter, limit, offset), count: await countWithdrawals(db, filter) }), sharedContext)
  }

  /** how many refunds stand in each of the admin's groups (WITHDRAWAL_GROUPS), from one aggregate */
  async groupCounts(sharedContext: Context = {}): Promise<Record<WithdrawalGroup, number>> {
    const byStatus = await this.deps.db.read((db) => countByStatus(db), sharedContext)
    const sum = (statuses: readonly WithdrawalStatus[]) => statuses.reduce((n, s) => n + (byStatus[s] ?? 0), 0)
    return Object.fromEntries(Object.entries(WITHDRAWAL_GROUPS).map(([g, statuses]) => [g, sum(statuses)])) as Record<WithdrawalGroup, number>
  }

  async audit(id: string, sharedContext: Context = {}): Promise<AuditRow[]> {
    const row = await this.retrieve(id, sharedContext)
    return this.deps.db.read((db) => listAudit(db, { withdrawal_id: row.id, request_id: row.request_id }), sharedContext)
  }

  /** confirmation requests for request_ids we never issued */
  unmatchedAudit(limit = 50, sharedContext: Context = {}): Promise<AuditRow[]> {
    return this.deps.db.read((db) => listUnmatchedAudit(db, limit), sharedContext)
  }

  /* ------------------------------------------------------------------ helpers */

  private async change(
    id: string,
    fn: (trx: Parameters<Parameters<ModuleDeps["db"]["transaction"]>[0]>[0], now: Date) => Promise<WithdrawalRow>,
    sharedContext: Context,
  ): Promise<WithdrawalChangeResult> {
    return this.deps.db.transaction(async (trx) => {
      // locked first, so `before` is the status this change really starts from (events are derived from it)
      const before = (await lockWithdrawal(trx, id))?.status ?? null
      return changed(before, await fn(trx, this.deps.now()))
    }, sharedContext)
  }

  private async resolvePayment(input: RefundRequestInput, sharedContext: Context): Promise<string | undefined> {
    if (input.source === "deposit") return undefined
    if (input.crypto_payment_id) return input.crypto_payment_id
    if (!input.order_id) throw new MedusaError(MedusaError.Types.INVALID_DATA, "name the order (order_id) or the crypto payment to refund")
    const id = await this.deps.db.read((db) => findPaymentIdOfOrder(db, input.order_id!), sharedContext)
    if (!id) throw new MedusaError(MedusaError.Types.NOT_FOUND, `order ${input.order_id} has no crypto payment`)
    return id
  }

  async paymentIdOfSession(sessionId: string, sharedContext: Context = {}): Promise<string | null> {
    return this.deps.db.read((db) => findPaymentIdBySession(db, sessionId), sharedContext)
  }

  private async symbolOf(req: RefundRequest, sharedContext: Context): Promise<string> {
    const ref = req.source === "deposit" ? { deposit_id: req.deposit_id } : { crypto_payment_id: req.crypto_payment_id }
    const symbol = await this.deps.db.read((db) => symbolOfSource(db, ref), sharedContext)
    if (!symbol) throw new MedusaError(MedusaError.Types.NOT_FOUND, `${req.source === "deposit" ? "deposit" : "crypto payment"} ${Object.values(ref)[0]} does not exist`)
    return symbol
  }

  private async rateNow(paymentId: string, sharedContext: Context): Promise<CurrentRate> {
    const p = await this.deps.db.read((db) => pricingOfPayment(db, paymentId), sharedContext)
    if (!p) throw new MedusaError(MedusaError.Types.NOT_FOUND, `crypto payment ${paymentId} does not exist`)
    const q = await this.currentRate(p.symbol, p.currency_code)
    return { rate: q.rate, source: q.rate_source, at: q.rate_at }
  }
}
