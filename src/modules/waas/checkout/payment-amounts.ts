import type { BigNumberInput } from "@medusajs/framework/types"
import { MathBN, MedusaError } from "@medusajs/framework/utils"
import { ExactDecimal, parseDecimal } from "../../../protocol"

/** A deposit was seen for the payment (credited or still pending): its address must not go straight back. */
export function depositSeen(payment: { amount_received: string; amount_pending: string }): boolean {
  return !parseDecimal(payment.amount_received).isZero() || !parseDecimal(payment.amount_pending).isZero()
}

/** Medusa amounts (number, string, BigNumber, raw {value}) → an exact positive decimal. */
export function toPositiveFiat(amount: BigNumberInput): ExactDecimal {
  const text = MathBN.convert(amount).toFixed()
  let value: ExactDecimal
  try {
    value = parseDecimal(text, { allowZero: false })
  } catch {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `expected a positive fiat amount, got ${text}`)
  }
  return value
}
