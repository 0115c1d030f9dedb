import { StateMachine } from "../state-machine"

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
