import { ExactDecimal, formatDecimal, parseDecimal, roundDownToDecimals } from "../../../protocol"
import type { FeeBearer } from "./withdrawal-states"
import type { WithdrawalOptions } from "./withdrawal-options"

/**
 * The arithmetic of a refund, pure. Crypto derived from fiat is rounded DOWN to the coin's decimals: the
 * merchant pays out at most the fiat amount's worth (never one smallest unit more).
 */
export function cryptoForFiat(fiat: ExactDecimal, rate: ExactDecimal, decimals: number): ExactDecimal {
  if (!rate.isPositive() || rate.isZero()) throw new RangeError("the rate must be positive")
  return roundDownToDecimals(fiat.div(rate), decimals)
}

/** a fiat amount for an exact crypto refund at the payment's rate, rounded down to cents */
export function fiatForCrypto(crypto: ExactDecimal, rate: ExactDecimal): ExactDecimal {
  return roundDownToDecimals(crypto.times(rate), 2)
}

export interface FeeSplit {
  /** what the WaaS is asked to send (its `amount` includes the service fee, protocol §2.8) */
  amount: string
  /** what reaches the shopper; null when the service fee is unknown */
  receive_amount: string | null
}

/**
 * Who bears the WaaS's service fee. The merchant (default): the fee is added on top, so the shopper
 * receives the refund in full (when the fee is unknown nothing can be added: the shopper then receives the
 * refund less whatever the WaaS charges). The shopper: the refund is sent as is and the fee comes off it.
 */
export function splitFee(refund: ExactDecimal, fee: ExactDecimal | null, bearer: FeeBearer): FeeSplit {
  if (bearer === "merchant") {
    return fee ? { amount: formatDecimal(refund.plus(fee)), receive_amount: formatDecimal(refund) } : { amount: formatDecimal(refund), receive_amount: null }
  }
  return { amount: formatDecimal(refund), receive_amount: fee ? formatDecimal(refund.minus(fee)) : null }
}

/** How many distinct approvers a request needs: the base option, raised by the highest tier it exceeds. */
export function approvalsRequired(o: Pick<WithdrawalOptions, "approvals" | "approvalTiers">, fiat: string | null, currency: string | null): number {
  let required = o.approvals
  if (fiat === null || currency === null) return required
  const amount = parseDecimal(fiat)
  for (const tier of o.approvalTiers) {
    if (tier.currency === currency.toLowerCase() && amount.gt(tier.above)) required = Math.max(required, tier.approvals)
  }
  return required
}
