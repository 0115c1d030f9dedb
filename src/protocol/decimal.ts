import Decimal from "decimal.js"
import { DecimalFormatError } from "./errors"

/**
 * The one place where amounts from outside become numbers. Only plain decimal strings are accepted:
 * digits, an optional single dot with digits on both sides, an optional leading minus where allowed.
 * Commas, exponents, NaN/Infinity, '+', spaces, hex and the empty string are rejected with a typed error.
 * JS numbers are accepted only when they are safe integers (ids, counts); never for fractional money.
 */
// toExpNeg/toExpPos at their limits: toString() never switches to exponent notation, so it is the plain form.
export const ExactDecimal = Decimal.clone({
  precision: 80,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -9e15,
  toExpPos: 9e15,
})
export type ExactDecimal = Decimal

export interface ParseDecimalOptions {
  /** most fraction digits allowed (the coin's decimals); more is an error, never silently rounded */
  maxDecimals?: number
  /** allow a leading minus sign (default false: WaaS amounts are never negative) */
  allowNegative?: boolean
  /** allow zero (default true) */
  allowZero?: boolean
}

const PLAIN = /^(-?)(\d+)(?:\.(\d+))?$/

export function parseDecimal(input: unknown, options: ParseDecimalOptions = {}): Decimal {
  let text: string
  if (typeof input === "string") {
    text = input
  } else if (typeof input === "number" && Number.isSafeInteger(input)) {
    text = String(input)
  } else {
    throw new DecimalFormatError(input, "expected a decimal string")
  }
  if (text.length === 0) throw new DecimalFormatError(text, "empty")
  if (text.length > 100) throw new DecimalFormatError(text, "too long")
  const m = PLAIN.exec(text)
  if (!m) throw new DecimalFormatError(text, "not a plain decimal (digits with an optional dot)")
  const [, sign, , fraction] = m
  if (sign && !options.allowNegative) throw new DecimalFormatError(text, "negative amounts are not allowed")
  if (options.maxDecimals !== undefined && fraction) {
    // trailing zeros do not add precision: "0.0002000000000000" is fine for an 8-decimals coin
    const significant = fraction.replace(/0+$/, "")
    if (significant.length > options.maxDecimals) {
      throw new DecimalFormatError(text, `more than ${options.maxDecimals} fraction digits`)
    }
  }
  const value = new ExactDecimal(text)
  if (value.isZero() && options.allowZero === false) throw new DecimalFormatError(text, "zero is not allowed")
  return value
}

/** true when `input` parses under `options`; for zod refinements */
export function isDecimalString(input: unknown, options: ParseDecimalOptions = {}): boolean {
  try {
    parseDecimal(input, options)
    return true
  } catch {
    return false
  }
}

/** Canonical storage/wire form: plain notation, no exponent, trailing zeros removed ("1.50" → "1.5"). */
export function formatDecimal(value: Decimal.Value): string {
  const d = new ExactDecimal(value)
  if (!d.isFinite()) throw new DecimalFormatError(String(value), "not finite")
  // decimal.js keeps no trailing zeros in toString(), and the clone's exponent limits keep it plain
  return d.toString()
}

/** Round to the coin's decimals, upwards (in the merchant's favour for an amount the shopper owes). */
export function roundUpToDecimals(value: Decimal.Value, decimals: number): Decimal {
  return new ExactDecimal(value).toDecimalPlaces(decimals, Decimal.ROUND_UP)
}

/** Round to the coin's decimals, downwards (in the merchant's favour for an amount the merchant pays out). */
export function roundDownToDecimals(value: Decimal.Value, decimals: number): Decimal {
  return new ExactDecimal(value).toDecimalPlaces(decimals, Decimal.ROUND_DOWN)
}

export { Decimal }
