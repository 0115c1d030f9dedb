import { IllegalStateTransitionError } from "./errors"

/**
 * Every lifecycle of the module, each written once as a table of allowed transitions. The service calls
 * `assertTransition` before every status write (and its SQL only updates rows still in the expected
 * status), so the table is the single source of truth. Final states have no way out.
 */
export class StateMachine<S extends string> {
  readonly states: readonly S[]
  readonly final: ReadonlySet<S>

  constructor(
    readonly name: string,
    private readonly transitions: { readonly [K in S]: readonly S[] },
    final: readonly S[],
  ) {
    this.states = Object.keys(transitions) as S[]
    this.final = new Set(final)
    for (const f of final) {
      if (transitions[f].length > 0) throw new Error(`${name}: final state "${f}" must have no outgoing transitions`)
    }
  }

  can(from: S, to: S): boolean {
    return this.transitions[from]?.includes(to) ?? false
  }

  assertTransition(from: S, to: S): void {
    if (!this.can(from, to)) throw new IllegalStateTransitionError(this.name, from, to)
  }

  isFinal(state: S): boolean {
    return this.final.has(state)
  }

  /** the states from which `to` may be reached; for "UPDATE … WHERE status IN (…)" */
  sourcesOf(to: S): S[] {
    return this.states.filter((s) => this.can(s, to))
  }
}

/* ------------------------------------------------------------------ WaaS user accounts */

export const WAAS_ACCOUNT_STATUSES = ["pending_registration", "registered", "provisioned"] as const
export type WaasAccountStatus = (typeof WAAS_ACCOUNT_STATUSES)[number]

/**
 * The row is written BEFORE registerEmail, so a crash after the WaaS created the user leaves a
 * `pending_registration` row whose email recovers the uid (user/info). `registered` = uid known, address
 * not yet stored; `provisioned` = its one pool address is stored.
 */
export const WaasAccountMachine = new StateMachine<WaasAccountStatus>(
  "waas account",
  {
    pending_registration: ["registered"],
    registered: ["provisioned"],
    provisioned: [],
  },
  ["provisioned"],
)

/* ------------------------------------------------------------------ pool addresses */

export const POOL_ADDRESS_STATUSES = ["available", "assigned", "cooling", "retired"] as const
export type PoolAddressStatus = (typeof POOL_ADDRESS_STATUSES)[number]

/**
 * available → assigned       claimed by a checkout
 * assigned  → available      released with no deposit seen, once the quote's monitoring window is over
 * assigned  → cooling        the payment's monitoring window is over, or it was released after a deposit
 *                            (quarantine), or released early with no deposit (cools until the quote's
 *                            monitoring window would have closed, since the shopper has seen it): a late
 *                            or repeated transfer is never credited to the next shopper
 * assigned  → retired        the same, with addressReuse "never"
 * cooling   → available      quarantine over
 * cooling   → retired        reuse turned off meanwhile
 * available → retired        taken out of service (e.g. the coin was dropped)
 */
export const PoolAddressMachine = new StateMachine<PoolAddressStatus>(
  "pool address",
  {
    available: ["assigned", "retired"],
    assigned: ["available", "cooling", "retired"],
    cooling: ["available", "retired"],
    retired: [],
  },
  ["retired"],
)

/* ------------------------------------------------------------------ crypto payments */

/**
 * All statuses a crypto payment can have. The column accepts the deposit-driven ones already
 * (underpaid, paid, overpaid, late_held) so the deposits issue only adds rows to the table below,
 * never a column migration.
 */
export const CRYPTO_PAYMENT_STATUSES = [
  "awaiting_payment",
  "underpaid",
  "paid",
  "overpaid",
  "late_held",
  "reversed",
  "expired",
  "canceled",
] as const
export type CryptoPaymentStatus = (typeof CRYPTO_PAYMENT_STATUSES)[number]

/**
 * awaiting_payment → expired      the quote's lifetime is over (the address stays held until monitor_until)
 * awaiting_payment → canceled     the payment session was deleted
 * expired → awaiting_payment      re-quoted before any deposit was seen
 * expired → canceled              the payment session was deleted
 *
 * Deposit-driven (every one re-derived from the ledger under the payment's row lock, deposits/outcome.ts):
 * awaiting_payment, expired → underpaid | paid | overpaid | late_held
 *                                 (expired → paid: the transfer was made before expiry, confirmed after it;
 *                                  or a late one accepted by latePaymentPolicy "accept")
 * underpaid → paid | overpaid     a top-up completed it (paid within underpaymentTolerance)
 * underpaid → late_held           a late top-up waits for an admin
 * late_held → paid | overpaid | underpaid   an admin attached the held deposit
 * late_held → expired             an admin sent the held deposit back and nothing else was credited
 * late_held → awaiting_payment    the same while the quote still runs by the store's clock (the WaaS's
 *                                 clock, which dated the deposit late, may run ahead of it)
 * paid → overpaid                 more arrived after it was paid: the excess is recorded for a refund
 *
 * Reversals (the WaaS reports a credited deposit failed after all; a reversing ledger entry takes it out):
 * paid, overpaid, underpaid, late_held → reversed   what is left no longer covers the amount due. A state of its
 *                                 own rather than underpaid: Medusa may already have captured the payment (it has
 *                                 no capture reversal), so the order needs an admin, and the shopper is told the
 *                                 money was taken back rather than that they sent too little
 * overpaid → paid                 the reversed deposit was (part of) the excess
 * reversed → paid | overpaid      a new deposit covers the shortfall (within the monitoring window)
 *
 * canceled is final. Nothing takes a payment with money on its ledger back to awaiting or expired.
 */
export const CryptoPaymentMachine = new StateMachine<CryptoPaymentStatus>(
  "crypto payment",
  {
    awaiting_payment: ["expired", "canceled", "underpaid", "paid", "overpaid", "late_held"],
    underpaid: ["paid", "overpaid", "late_held", "reversed"],
    paid: ["overpaid", "reversed"],
    overpaid: ["paid", "reversed"],
    late_held: ["paid", "overpaid", "underpaid", "expired", "awaiting_payment", "reversed"],
    reversed: ["paid", "overpaid"],
    expired: ["awaiting_payment", "canceled", "underpaid", "paid", "overpaid", "late_held"],
    canceled: [],
  },
  ["canceled"],
)

/**
 * Payments whose quote is still live: they keep their address even past monitor_until until the expiry job
 * moves them on (a re-quote moves monitor_until too). Every other payment lets its address go into
 * quarantine once monitor_until has passed, `underpaid` included: it stays underpaid for an admin to settle,
 * and a top-up after the window is an orphan for review like any other late transfer.
 */
export const STATUSES_HOLDING_ADDRESS_PAST_WINDOW: readonly CryptoPaymentStatus[] = ["awaiting_payment"]
