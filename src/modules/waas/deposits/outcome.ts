import { depositOutcome, ExactDecimal, formatDecimal, parseDecimal } from "../../../protocol"
import type { CryptoPaymentStatus } from "../checkout/payment-states"
import {
  DepositLedgerStatus,
  DepositTiming,
  OrphanReason,
} from "./deposit-states"

/**
 * The money rules of the deposit path, pure: no database, no clock, no WaaS. The ledger code feeds them
 * facts read under row locks and writes back what they decide, so every rule here is unit-tested alone.
 */

/** What to do with a confirmed deposit that arrives after its quote expired but inside the monitoring window. */
export const LATE_PAYMENT_POLICIES = ["accept", "hold"] as const
export type LatePaymentPolicy = (typeof LATE_PAYMENT_POLICIES)[number]

/** The WaaS's word on one deposit (from depositList / syncDepositList: never from a callback body). */
export interface DepositFacts {
  waas_status: number
  symbol: string
  /** canonical decimal string in whole coin units */
  amount: string
  /** when the WaaS saw the transfer: decides which payment held the address then, and whether it was late */
  created_at: Date
}

/** The crypto payment that held the deposit's address when the deposit was created (see holderAt in ledger-sql). */
export interface HolderPayment {
  id: string
  status: CryptoPaymentStatus
  symbol: string
  decimals: number
  expires_at: Date
  monitor_until: Date
}

export type DepositDecision =
  | { status: "pending" | "compliance_review" | "failed"; payment_id: string | null; timing: DepositTiming | null }
  | { status: "credited"; payment_id: string; timing: DepositTiming; late: boolean }
  | { status: "held"; payment_id: string; timing: "late" }
  | { status: "orphaned"; payment_id: string | null; timing: DepositTiming | null; reason: OrphanReason }

/** on time up to and including expires_at; late up to and including monitor_until; after that, too late */
export function classifyTiming(createdAt: Date, payment: Pick<HolderPayment, "expires_at" | "monitor_until">): DepositTiming {
  const t = createdAt.getTime()
  if (t <= payment.expires_at.getTime()) return "on_time"
  if (t <= payment.monitor_until.getTime()) return "late"
  return "after_window"
}

/** A positive amount with no more fraction digits than the coin has; anything else is not credited automatically. */
export function isCreditableAmount(amount: string, decimals: number): boolean {
  try {
    return !parseDecimal(amount, { maxDecimals: decimals, allowZero: false }).isZero()
  } catch {
    return false
  }
}

/**
 * Where a deposit goes. Only WaaS status 1 can credit; 0 and 4–6 stay pending (4–6 as a compliance
 * review); 2 fails. A confirmed deposit credits the payment that held its address at the deposit's creation
 * time, in that payment's coin, before its quote expired (or late, inside the monitoring window, when the
 * policy accepts late payments); every other confirmed deposit is held or orphaned for an admin, never
 * credited to anyone else.
 */
export function decideDeposit(
  facts: DepositFacts,
  holder: HolderPayment | null,
  latePolicy: LatePaymentPolicy,
): DepositDecision {
  // pending, compliance_review, credited or failed (protocol §2.17); an unknown status is never guessed
  const reading = readWaasStatus(facts.waas_status)
  const sameCoin = holder !== null && holder.symbol === facts.symbol
  const timing = holder && sameCoin ? classifyTiming(facts.created_at, holder) : null
  const paymentId = holder?.id ?? null

  if (reading === "pending" || reading === "compliance_review" || reading === "failed") {
    return { status: reading, payment_id: paymentId, timing }
  }
  if (!holder) return { status: "orphaned", payment_id: null, timing: null, reason: "unknown_address" }
  if (!sameCoin) return { status: "orphaned", payment_id: holder.id, timing: null, reason: "wrong_coin" }
  if (holder.status === "canceled") {
    return { status: "orphaned", payment_id: holder.id, timing, reason: "payment_canceled" }
  }
  if (!isCreditableAmount(facts.amount, holder.decimals)) {
    return { status: "orphaned", payment_id: holder.id, timing, reason: "invalid_amount" }
  }
  const t = timing as DepositTiming
  if (t === "after_window") {
    return { status: "orphaned", payment_id: holder.id, timing: t, reason: "after_monitoring_window" }
  }
  if (t === "late" && latePolicy === "hold") return { status: "held", payment_id: holder.id, timing: "late" }
  return { status: "credited", payment_id: holder.id, timing: t, late: t === "late" }
}

/**
 * A WaaS record the rules cannot apply as it is (an undocumented status, say). Deterministic: applying it again
 * fails the same way, so the deposit is parked for review (needs_review) instead of being retried forever.
 */
export class UnapplicableDepositError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "UnapplicableDepositError"
  }
}

/** protocol §2.17, or UnapplicableDepositError for a status it does not document */
export function readWaasStatus(status: number): ReturnType<typeof depositOutcome> {
  try {
    return depositOutcome(status)
  } catch {
    throw new UnapplicableDepositError(`the WaaS reports status ${status}, which the protocol does not document (0, 1, 2, 4, 5, 6)`)
  }
}

/** A WaaS deposit status in words, for review reasons and refusals: "2 (failed)". */
export function describeWaasStatus(status: number): string {
  const words: Record<number, string> = {
    0: "pending confirmation",
    1: "success",
    2: "failed",
    4: "pending KYT check",
    5: "pending manual review",
    6: "pending manual review (KYT circuit breaker)",
  }
  return `${status} (${words[status] ?? "undocumented"})`
}

/** The ledger of one payment, as read under its row lock. */
export interface PaymentLedger {
  status: CryptoPaymentStatus
  amount_due: string
  /** amounts of the credit entries (one per WaaS deposit id) */
  credits: readonly string[]
  /** amounts of the reversing entries (one per reversed credit): taken back out of received */
  reversals: readonly string[]
  /** confirmed late deposits waiting for an admin */
  held: number
  /** amounts of matched deposits the WaaS has not finished (status 0, 4, 5, 6) */
  pending: readonly string[]
  /** underpaymentTolerance: the fraction of amount_due a shopper may fall short by and still have paid */
  tolerance: string
  /** the quote's lifetime is over */
  expired: boolean
}

export interface PaymentSettlement {
  status: CryptoPaymentStatus
  amount_received: string
  amount_pending: string
  /** what arrived beyond amount_due: recorded for a refund */
  amount_excess: string
}

const SETTLED: ReadonlySet<CryptoPaymentStatus> = new Set(["paid", "overpaid"])

export function isSettled(status: CryptoPaymentStatus): boolean {
  return SETTLED.has(status)
}

const sum = (amounts: readonly string[]): ExactDecimal =>
  amounts.reduce<ExactDecimal>((acc, a) => acc.plus(parseDecimal(a)), new ExactDecimal(0))

/**
 * The payment's status derived from its ledger, never from a running total: received = the sum of its credit
 * entries less its reversing entries. overpaid when received > due (the excess is recorded), paid when received ≥
 * due × (1 − tolerance), reversed when a reversal left it short (it may have been captured in Medusa already: an
 * admin must look), late_held while a late deposit waits for an admin, underpaid with anything less, otherwise
 * unchanged. A canceled payment has no ledger to speak of and stays canceled.
 */
export function settlePayment(ledger: PaymentLedger): PaymentSettlement {
  const due = parseDecimal(ledger.amount_due)
  const received = sum(ledger.credits).minus(sum(ledger.reversals))
  const tolerance = parseDecimal(ledger.tolerance)
  const threshold = due.times(new ExactDecimal(1).minus(tolerance))
  const excess = received.gt(due) ? received.minus(due) : new ExactDecimal(0)
  const amounts = {
    amount_received: formatDecimal(received),
    amount_pending: formatDecimal(sum(ledger.pending)),
    amount_excess: formatDecimal(excess),
  }

  let status: CryptoPaymentStatus
  if (ledger.status === "canceled") status = "canceled"
  else if (received.gt(due)) status = "overpaid"
  else if (received.gte(threshold) && !received.isZero()) status = "paid"
  else if (ledger.reversals.length > 0) status = "reversed"
  // no reversal, so received never shrank: only a lowered underpaymentTolerance could put a paid payment below
  // the threshold, and a setting changed since cannot un-pay it
  else if (isSettled(ledger.status)) status = ledger.status
  else if (ledger.held > 0) status = "late_held"
  else if (!received.isZero()) status = "underpaid"
  // nothing credited and nothing held: the status is the expiry job's business, except that a payment
  // whose held deposits were all refunded goes back to where it would be without them
  else if (ledger.status === "late_held") status = ledger.expired ? "expired" : "awaiting_payment"
  else status = ledger.status
  return { status, ...amounts }
}

/** Event names of the deposit path; payloads carry ids only. */
export const DepositEvents = {
  CALLBACK_RECORDED: "waas.callback.recorded",
  DEPOSIT_RECEIVED: "waas.deposit.received",
  DEPOSIT_ORPHANED: "waas.deposit.orphaned",
  PAYMENT_PAID: "waas.payment.paid",
  PAYMENT_UNDERPAID: "waas.payment.underpaid",
  PAYMENT_OVERPAID: "waas.payment.overpaid",
  PAYMENT_LATE: "waas.payment.late",
  /** a credited deposit the WaaS now reports otherwise: its reversing entry is on the payment's ledger */
  DEPOSIT_REVERSED: "waas.deposit.reversed",
  /** a record the plugin could not apply: parked for review with its reason */
  DEPOSIT_NEEDS_REVIEW: "waas.deposit.needs_review",
} as const
export type DepositEventName = (typeof DepositEvents)[keyof typeof DepositEvents]

export interface OutcomeEventsInput {
  /** the deposit row's status before and after this application (null before = first sighting) */
  deposit: { before: DepositLedgerStatus | null; after: DepositLedgerStatus; late: boolean }
  /** the payment's status before and after, when a payment was involved and re-settled */
  payment: { before: CryptoPaymentStatus; after: CryptoPaymentStatus } | null
  /** this application inserted the credit row (false when it had been applied before) */
  credited_now: boolean
}

/**
 * Which events one application of a deposit emits. Repeats of the same facts emit nothing, so a callback
 * delivered five times announces its deposit once.
 */
export function outcomeEvents(input: OutcomeEventsInput): DepositEventName[] {
  const events: DepositEventName[] = []
  const { deposit, payment } = input
  const depositChanged = deposit.before !== deposit.after
  if (depositChanged) events.push(DepositEvents.DEPOSIT_RECEIVED)
  if (depositChanged && deposit.after === "orphaned") events.push(DepositEvents.DEPOSIT_ORPHANED)
  if (depositChanged && deposit.after === "reversed") events.push(DepositEvents.DEPOSIT_REVERSED)
  if (depositChanged && deposit.after === "needs_review") events.push(DepositEvents.DEPOSIT_NEEDS_REVIEW)
  const lateNow = depositChanged && (deposit.after === "held" || (deposit.after === "credited" && deposit.late))
  if (lateNow) events.push(DepositEvents.PAYMENT_LATE)
  if (payment) {
    if (isSettled(payment.after) && !isSettled(payment.before)) events.push(DepositEvents.PAYMENT_PAID)
    if (payment.after === "overpaid" && payment.before !== "overpaid") events.push(DepositEvents.PAYMENT_OVERPAID)
    if (payment.after === "underpaid" && input.credited_now) events.push(DepositEvents.PAYMENT_UNDERPAID)
  }
  return events
}
