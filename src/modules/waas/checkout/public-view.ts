import { ExactDecimal, formatDecimal, parseDecimal } from "../../../protocol"
import type { CoinConfig } from "../options"
import { buildExplorerUrl, buildPaymentUri } from "./payment-uri"
import type { CryptoPaymentStatus } from "./payment-states"
import { PAYMENT_VIEW_MESSAGES } from "./view-messages"

/**
 * What a shopper (and the storefront) may see of a crypto payment. Built field by field from an allow-list:
 * no uid, no email, no pool or account ids, no option values. It becomes the payment session's `data`,
 * which Medusa returns to the storefront.
 */
export interface CryptoPaymentPublicView {
  session_id: string
  status: CryptoPaymentStatus
  symbol: string
  network: string
  address: string
  memo: string | null
  /** whole coin units, exact decimal strings */
  amount_due: string
  /** credited: confirmed by the WaaS and applied to this payment */
  amount_received: string
  /** seen on chain for this payment but not final at the WaaS yet (confirmations, compliance review) */
  amount_pending: string
  /** money was seen on chain for this payment and is not final yet: the shopper should wait, not pay again */
  payment_detected: boolean
  /** the state in a sentence for the shopper (view-messages.ts) */
  message: string
  /** what is still owed; 0 once paid (also when paid within the underpayment tolerance) */
  amount_remaining: string
  /** ISO-8601 */
  expires_at: string
  payment_uri: string
  /**
   * What to scan now: the payment URI for `amount_remaining` while something is still owed and a transfer
   * would count (awaiting, underpaid, reversed), equal to `payment_uri` before anything arrived; null once
   * paid, expired, held, canceled, or while a transfer is confirming (the shopper should wait, not pay again).
   */
  remaining_payment_uri: string | null
  explorer_url: string | null
}

export interface PublicViewSource {
  payment_session_id: string
  status: CryptoPaymentStatus
  symbol: string
  network: string
  address: string
  memo: string | null
  amount_due: string
  amount_received: string
  amount_pending: string
  decimals: number
  expires_at: Date | string
}

/** the states in which a transfer of what is owed counts for the payment (README, storefront step 4) */
const PAYABLE_STATUSES: readonly CryptoPaymentStatus[] = ["awaiting_payment", "underpaid", "reversed"]

export function buildPublicView(payment: PublicViewSource, coin: CoinConfig | undefined): CryptoPaymentPublicView {
  const due = parseDecimal(payment.amount_due)
  const received = parseDecimal(payment.amount_received)
  const settled = payment.status === "paid" || payment.status === "overpaid"
  const remaining = settled ? new ExactDecimal(0) : due.minus(received)
  const pending = parseDecimal(payment.amount_pending)
  const detected = !settled && payment.status !== "canceled" && !pending.isZero()
  const owed = remaining.isNegative() ? new ExactDecimal(0) : remaining
  const uriFor = (amount: string) =>
    buildPaymentUri({
      // a coin since removed from the options still gets a usable (plain) URI
      scheme: coin?.uriScheme ?? "plain",
      network: payment.network,
      address: payment.address,
      memo: payment.memo,
      amount,
      decimals: payment.decimals,
      chainId: coin?.chainId,
      contractAddress: coin?.contractAddress,
    })
  const payable = PAYABLE_STATUSES.includes(payment.status) && !detected && owed.gt(0)
  return {
    session_id: payment.payment_session_id,
    status: payment.status,
    symbol: payment.symbol,
    network: payment.network,
    address: payment.address,
    memo: payment.memo ?? null,
    amount_due: formatDecimal(due),
    amount_received: formatDecimal(received),
    amount_pending: formatDecimal(pending),
    payment_detected: detected,
    message: PAYMENT_VIEW_MESSAGES[detected ? "detected" : payment.status],
    amount_remaining: formatDecimal(owed),
    expires_at: new Date(payment.expires_at).toISOString(),
    payment_uri: uriFor(payment.amount_due),
    remaining_payment_uri: payable ? uriFor(formatDecimal(owed)) : null,
    explorer_url: buildExplorerUrl(coin?.explorerUrl, payment.address),
  }
}
