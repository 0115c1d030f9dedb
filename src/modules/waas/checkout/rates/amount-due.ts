import { ExactDecimal, roundUpToDecimals } from "../../../../protocol"

/**
 * Crypto owed for a fiat amount: fiat / (price of one coin), ROUNDED UP to the coin's decimals.
 * Rounding up is the merchant's favour: the shopper pays at most one smallest unit (1 sat, 1 wei) more,
 * and the merchant never receives less than the fiat price at the quoted rate.
 */
export function computeAmountDue(fiat: ExactDecimal, rate: ExactDecimal, decimals: number): ExactDecimal {
  if (!rate.isPositive() || rate.isZero()) throw new RangeError("the rate must be positive")
  return roundUpToDecimals(fiat.div(rate), decimals)
}
