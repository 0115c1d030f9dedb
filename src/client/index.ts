/**
 * `medusa-plugin-waas/client`: a typed ChainUp Custody WaaS v2 client, usable without Medusa.
 *
 *   const waas = new WaasClient({ host: "https://openapi.chainup.com", appId, merchantPrivateKey, waasPublicKey })
 *   const { uid } = await registerOrRecover(waas, "customer-42@shop.example")
 *   const { address } = await waas.getDepositAddress(uid, "ETH")
 *   const outcome = await submitWithdrawalSafely(waas, { request_id, from_uid, to_address, amount: "1.25", symbol: "ETH" })
 *   await waas.close()
 *
 * Errors are typed (re-exported here): WaasBusinessError (a WaaS `code`, `plaintext` for pre-auth errors),
 * WaasTransportError (timeout | network | http_status), WaasResponseError (unexpected shape or non-JSON),
 * WaasCryptoError (the response did not verify with the WaaS public key), DecimalFormatError and
 * WaasRequestError (refused locally, nothing sent), WaasOptionsError, WithdrawalOutcomeUnknownError.
 * Only read endpoints are retried (see retry.ts for why withdraw and registerEmail never are).
 */
export { WaasClient } from "./client"
export type { UserInfoQuery, WithdrawInput, WithdrawResult } from "./client"
export type { WaasClientOptions, WaasClientLogger } from "./options"
export { WaasOptionsError, WaasRequestError, WithdrawalOutcomeUnknownError } from "./errors"
export { submitWithdrawalSafely } from "./safe-withdrawal"
export type { SafeWithdrawalOutcome, SafeWithdrawalOptions } from "./safe-withdrawal"
export { registerOrRecover } from "./register-or-recover"
export type { RegisteredUser } from "./register-or-recover"
export { isRetryable, backoffDelay } from "./retry"
export { openResponse } from "./response"
export { MAX_RESPONSE_BYTES } from "./transport"
export {
  WaasError,
  WaasBusinessError,
  WaasCryptoError,
  WaasResponseError,
  WaasTransportError,
  DecimalFormatError,
  WaasCode,
} from "../protocol"
export type { CoinData, DepositRecord, MinerFeeRecord, WithdrawRecord } from "../protocol"
