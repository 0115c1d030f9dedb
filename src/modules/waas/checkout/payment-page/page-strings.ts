/**
 * Every piece of text the hosted payment page shows, in one place, in English. A store translates the page
 * by passing any of these keys in the `paymentPage.strings` option (the rest stay English). `{symbol}`,
 * `{network}`, `{amount}` and `{time}` are filled in where they appear.
 */
export const PAYMENT_PAGE_STRINGS = {
  title: "Pay with crypto",
  lang: "en",
  // one headline per state the page can be in (page-model.ts: PageState)
  headline_awaiting: "Send your payment",
  headline_detected: "Payment detected, waiting for confirmations",
  headline_underpaid: "Partly paid: send the rest",
  headline_paid: "Paid, thank you",
  headline_overpaid: "Paid, thank you",
  headline_expired: "This quote has expired",
  headline_late: "Your payment arrived after the quote expired",
  headline_reversed: "A transfer was taken back",
  headline_canceled: "This payment was canceled",
  // one line under the headline per state
  detail_awaiting: "Send exactly the amount below to this address. One transfer, from any wallet.",
  detail_detected: "Your transfer is on its way. Please wait here: there is nothing more to send.",
  detail_underpaid: "Part of the amount arrived. Send the remaining amount to the same address.",
  detail_paid: "Your payment is confirmed.",
  detail_overpaid: "More than the amount due arrived; the store will refund the excess.",
  detail_expired: "Nothing arrived before the quote ran out. Go back to the store to get a new quote.",
  detail_late: "The store will review it and get in touch.",
  detail_reversed: "A transfer was taken back after it was credited. The amount below is owed again; the store will be in touch.",
  detail_canceled: "This payment is no longer open.",
  label_amount: "Amount to send",
  label_coin: "Coin",
  label_network: "Network",
  label_address: "Address",
  label_memo: "Memo (required)",
  label_received: "Received",
  label_pending: "Confirming",
  label_due: "Amount due",
  label_expires: "Quote valid for",
  label_qr: "Scan with your wallet",
  label_status: "Status",
  copy: "Copy",
  copied: "Copied",
  explorer: "View the address on the explorer",
  return_paid: "Back to the store",
  return_expired: "Back to the store",
  not_found_title: "Payment not found",
  not_found_detail: "This payment link is not valid. Go back to the store and start the payment again.",
  expired_countdown: "expired",
} as const

export type PaymentPageStringKey = keyof typeof PAYMENT_PAGE_STRINGS
export type PaymentPageStrings = Record<PaymentPageStringKey, string>
