import type { CryptoPaymentPublicView } from "../public-view"
import type { PaymentPageOptions } from "./page-options"
import { PAYMENT_PAGE_STRINGS, type PaymentPageStrings } from "./page-strings"

/**
 * What the hosted page shows, derived from the payment's public view (the same view the store route
 * returns: nothing more about the order or the shopper) and the page options.
 *   awaiting   nothing seen yet: amount, address, QR, countdown
 *   detected   a transfer is confirming: wait, do not pay again
 *   underpaid  part arrived: the remainder, with its own QR
 *   paid / overpaid   done: the return link
 *   expired    the quote ran out with nothing seen
 *   late       a transfer arrived after expiry and waits for the store (late_held)
 *   reversed   a credited transfer was taken back: the shortfall is owed again
 *   canceled   the session was replaced or deleted
 */
export const PAGE_STATES = ["awaiting", "detected", "underpaid", "paid", "overpaid", "expired", "late", "reversed", "canceled"] as const
export type PageState = (typeof PAGE_STATES)[number]

export interface PaymentPageModel {
  state: PageState
  headline: string
  detail: string
  /** the public view's own one-sentence status (view-messages.ts) */
  message: string
  coin_name: string
  symbol: string
  network: string
  address: string
  memo: string | null
  /** what to send now: the remainder (the whole amount before anything arrived); "0" when nothing is to be sent */
  amount_to_send: string
  amount_due: string
  amount_received: string
  amount_pending: string
  expires_at: string
  /** the server's clock when this model was built, so the countdown does not trust the shopper's clock */
  server_time: string
  /** the URI the QR code carries; null when nothing is to be sent now */
  pay_uri: string | null
  explorer_url: string | null
  /** the link back to the store, for the states that end the visit (paid, overpaid, expired) */
  return_url: string | null
  /** when false the page stops asking (paid, overpaid, canceled: nothing can change for the shopper) */
  live: boolean
}

export function resolveStrings(options: PaymentPageOptions): PaymentPageStrings {
  return { ...PAYMENT_PAGE_STRINGS, ...options.strings }
}

export function pageStateOf(view: CryptoPaymentPublicView): PageState {
  switch (view.status) {
    case "paid":
    case "overpaid":
    case "canceled":
    case "underpaid":
    case "reversed":
    case "expired":
      return view.payment_detected ? "detected" : view.status
    case "late_held":
      return "late"
    case "awaiting_payment":
      return view.payment_detected ? "detected" : "awaiting"
  }
}

const ENDS_VISIT: readonly PageState[] = ["paid", "overpaid", "expired"]
const FINAL_FOR_SHOPPER: readonly PageState[] = ["paid", "overpaid", "canceled"]

export function buildPageModel(
  view: CryptoPaymentPublicView,
  coinName: string,
  options: PaymentPageOptions,
  now: Date,
): PaymentPageModel {
  const strings = resolveStrings(options)
  const state = pageStateOf(view)
  const returnUrl = options.returnUrl && ENDS_VISIT.includes(state)
    ? options.returnUrl.split("{session_id}").join(encodeURIComponent(view.session_id))
    : null
  return {
    state,
    headline: strings[`headline_${state}`],
    detail: strings[`detail_${state}`],
    message: view.message,
    coin_name: coinName,
    symbol: view.symbol,
    network: view.network,
    address: view.address,
    memo: view.memo,
    amount_to_send: view.remaining_payment_uri ? view.amount_remaining : "0",
    amount_due: view.amount_due,
    amount_received: view.amount_received,
    amount_pending: view.amount_pending,
    expires_at: view.expires_at,
    server_time: now.toISOString(),
    pay_uri: view.remaining_payment_uri,
    explorer_url: view.explorer_url,
    return_url: returnUrl,
    live: !FINAL_FOR_SHOPPER.includes(state),
  }
}
