import { describeWaasCode, WaasCode } from "../../../protocol"

/**
 * What a failed withdrawal tells an admin, in plain words, for the WaaS business errors of protocol §2.18
 * that end a withdrawal request, and for the WaaS's own failure statuses (§2.17).
 */
const PLAIN: Readonly<Record<string, string>> = {
  [WaasCode.INSUFFICIENT_BALANCE]: "the paying WaaS account does not hold enough of this coin: fund it, then request the refund again",
  [WaasCode.INSUFFICIENT_FEE_BALANCE]: "the paying WaaS account cannot pay the withdrawal fee: fund its fee balance, then request again",
  [WaasCode.AMOUNT_NOT_ABOVE_FEE]: "the amount is not above the WaaS's withdrawal fee: nothing would arrive",
  [WaasCode.INVALID_ADDRESS]: "the WaaS says the destination address is not valid for this coin",
  [WaasCode.ADDRESS_RISKY]: "the WaaS's risk control flags the destination address: ask the shopper for another one",
  [WaasCode.USER_RISKY]: "the WaaS's risk control forbids withdrawals from the paying account",
  [WaasCode.AMOUNT_BELOW_MIN]: "the amount is below the WaaS's minimum withdrawal for this coin",
  [WaasCode.AMOUNT_ABOVE_MAX]: "the amount is above the WaaS's maximum withdrawal for this coin",
  [WaasCode.TOO_MANY_DECIMALS]: "the amount has more decimals than the WaaS accepts for this coin",
  [WaasCode.USER_NOT_FOUND]: "the paying WaaS account does not exist: check the withdrawals.payer option",
  [WaasCode.USER_FROZEN]: "the paying WaaS account is frozen",
  [WaasCode.COIN_NOT_SUPPORTED]: "the WaaS does not support this coin for the merchant",
  [WaasCode.SECOND_CONFIRMATION_FAILED]: "our second-confirmation endpoint did not confirm the withdrawal, so the WaaS refused it",
  [WaasCode.INVALID_PARAMS]: "the WaaS refused the request's parameters (or the second confirmation failed)",
}

export function plainFailureReason(code: string, waasMessage?: string): string {
  const base = PLAIN[code] ?? `the WaaS refused it: ${describeWaasCode(code)}`
  return waasMessage ? `${base} (WaaS: ${waasMessage.slice(0, 200)})` : base
}

/** the WaaS's own failure statuses of an on-chain withdrawal (and 1 of an internal transfer) */
export function plainStatusFailure(status: number, internal: boolean): { code: string; reason: string } {
  if (internal) return { code: "waas_status_1", reason: "the WaaS reports the internal transfer failed" }
  if (status === 2) return { code: "waas_status_2", reason: "the WaaS's review rejected the withdrawal; no coins left" }
  if (status === 4) return { code: "waas_status_4", reason: "the WaaS reports the payment failed; no coins left" }
  return { code: `waas_status_${status}`, reason: `the WaaS reports status ${status}` }
}
