/** WaaS `code` values (protocol §2.18). The code is a string on the wire; "0" is success. */
export const WaasCode = {
  SUCCESS: "0",
  SYSTEM_ERROR: "100001",
  INVALID_PARAMS: "100004",
  SIGNATURE_FAILED: "100005",
  ILLEGAL_IP: "100007",
  INVALID_APP_ID: "100015",
  MERCHANT_EXPIRED: "100016",
  USER_FROZEN: "110004",
  MOBILE_REGISTERED: "110023",
  ADDRESS_RISKY: "110037",
  INVALID_ADDRESS: "110055",
  USER_NOT_FOUND: "110065",
  AMOUNT_BELOW_MIN: "110078",
  AMOUNT_ABOVE_MAX: "110087",
  DUPLICATE_REQUEST: "110088",
  INVALID_MOBILE: "110089",
  REGISTRATION_FAILED: "110101",
  TOO_MANY_DECIMALS: "110161",
  COIN_NOT_SUPPORTED: "120202",
  SECOND_CONFIRMATION_FAILED: "120206",
  INSUFFICIENT_BALANCE: "120402",
  INSUFFICIENT_FEE_BALANCE: "120403",
  AMOUNT_NOT_ABOVE_FEE: "120404",
  USER_RISKY: "900006",
  TRANSFER_TO_SELF: "3040006",
} as const

export type WaasCodeValue = (typeof WaasCode)[keyof typeof WaasCode]

export const WAAS_CODE_MEANINGS: Readonly<Record<string, string>> = {
  "0": "success",
  "100001": "system error",
  "100004": "invalid request parameters (also: the withdrawal second-confirmation callback failed)",
  "100005": "signature/decryption verification failed",
  "100007": "illegal IP (not whitelisted)",
  "100015": "invalid merchant id (app_id)",
  "100016": "merchant information expired",
  "110004": "user frozen, cannot withdraw",
  "110023": "mobile number already registered",
  "110037": "withdrawal address is risky",
  "110055": "invalid withdrawal address",
  "110065": "user does not exist",
  "110078": "amount below the minimum",
  "110087": "amount above the maximum",
  "110088": "duplicate request (do not resubmit)",
  "110089": "invalid mobile number for registration",
  "110101": "user registration failed",
  "110161": "amount has more decimals than supported",
  "120202": "coin not supported",
  "120206": "withdrawal second confirmation failed",
  "120402": "insufficient balance",
  "120403": "insufficient balance for the withdrawal fee",
  "120404": "amount too small (not above the fee)",
  "900006": "user is risky, withdrawal prohibited",
  "3040006": "cannot transfer to itself",
}

export function describeWaasCode(code: string): string {
  return WAAS_CODE_MEANINGS[code] ?? "unknown WaaS error code"
}
