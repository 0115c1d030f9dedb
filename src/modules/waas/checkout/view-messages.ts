import type { CryptoPaymentStatus } from "./payment-states"

/**
 * The shopper-facing sentence for each state of a payment, in one place so that a store can translate them.
 * `detected` is not a status: money was seen on chain for the payment and the WaaS has not made it final.
 */
export const PAYMENT_VIEW_MESSAGES: Record<CryptoPaymentStatus | "detected", string> = {
  awaiting_payment: "Waiting for your payment",
  detected: "Payment detected, waiting for confirmations",
  underpaid: "Partly paid: send the remaining amount to the same address",
  paid: "Paid",
  overpaid: "Paid; more than the amount due arrived, and the store will refund the excess",
  reversed: "A transfer was taken back after it was credited: the amount shown is owed again, and the store will be in touch",
  late_held: "Your payment arrived after the quote expired; the store will review it",
  expired: "This quote has expired",
  canceled: "This payment was canceled",
}
