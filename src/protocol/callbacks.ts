import { z } from "zod"
import { decryptEnvelope, encryptEnvelope } from "./envelope"
import { WaasCallbackError } from "./errors"
import { KeyInput } from "./keys"
import { Notification, WithdrawConfirmationAnswer, WithdrawConfirmationRequest } from "./schemas"
import { formatIssues } from "./zod-issues"

/**
 * Callbacks between the WaaS and the merchant (protocol §3), pure: no I/O, no clock unless passed.
 *
 * Merchant side: `openNotification`, `openConfirmationRequest` (WaaS → merchant, decrypted with the WaaS public
 * key) and `sealConfirmationAnswer` (merchant → WaaS, encrypted with the merchant private key).
 * WaaS side (the simulator): `sealNotification`, `sealConfirmationRequest`, `openConfirmationAnswer`.
 *
 * Failures are typed: `WaasCryptoError` when the envelope does not verify, `WaasCallbackError` otherwise. Either
 * way the receiver must not acknowledge (§3.3: never `SUCCESS` for a payload that failed to decrypt).
 */

/** the url-encoded form a callback arrives as: app_id + data (§3.1) */
export interface CallbackForm {
  app_id?: string
  data?: string
}

export interface OpenCallbackOptions {
  /** the merchant's app_id; the form field and the inner `app_id` (when present) must equal it */
  appId: string
  /** `rsa_wallet_pub` */
  waasPublicKey: KeyInput
}

function openCallback<T extends z.ZodType>(form: CallbackForm, opts: OpenCallbackOptions, schema: T, what: string): z.output<T> {
  const data: unknown = form.data
  if (typeof data !== "string" || data.length === 0) {
    throw new WaasCallbackError("missing_data", `${what}: the data field is missing or empty`)
  }
  const formAppId: unknown = form.app_id
  if (formAppId !== undefined && formAppId !== opts.appId) {
    throw new WaasCallbackError("wrong_app_id", `${what}: the app_id form field does not match the configured app_id`)
  }
  const plaintext = decryptEnvelope(data, opts.waasPublicKey)
  let parsed: unknown
  try {
    parsed = JSON.parse(plaintext)
  } catch {
    throw new WaasCallbackError("bad_json", `${what}: the decrypted payload is not valid JSON`)
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new WaasCallbackError("bad_schema", `${what}: the decrypted payload is not a JSON object`)
  }
  if ("app_id" in parsed && (parsed as { app_id: unknown }).app_id !== opts.appId) {
    throw new WaasCallbackError("wrong_app_id", `${what}: the inner app_id does not match the configured app_id`)
  }
  const result = schema.safeParse(parsed)
  if (!result.success) {
    const issues = formatIssues(result.error)
    throw new WaasCallbackError("bad_schema", `${what}: unexpected shape (${issues.slice(0, 3).join("; ")})`, issues)
  }
  return result.data
}

/** Deposit or withdrawal notification (§3.2): decrypt, parse strictly, check app_id, validate. */
export function openNotification(form: CallbackForm, opts: OpenCallbackOptions): Notification {
  return openCallback(form, opts, Notification, "notification")
}

/** The withdrawal second-confirmation request WaaS posts during /billing/withdraw (§3.4). */
export function openConfirmationRequest(form: CallbackForm, opts: OpenCallbackOptions): WithdrawConfirmationRequest {
  return openCallback(form, opts, WithdrawConfirmationRequest, "confirmation request")
}

/**
 * How the approval is sent back (§3.4, ambiguous in the sources): `envelope` = JSON `{"data":"<cipher>"}` as the
 * docs show (recommended), `bare` = the cipher string alone as the Java/JS SDK routines return it.
 */
export type ConfirmationAnswerMode = "envelope" | "bare"

export interface SealedAnswer {
  contentType: string
  body: string
}

/**
 * The merchant's approval of a withdrawal: `{"check_sum":"<as received>","time":"<ms>"}` encrypted with the
 * merchant private key. Only call this after checking the request against the locally persisted withdrawal;
 * to reject, answer anything else (e.g. `FAILURE`).
 */
export function sealConfirmationAnswer(
  checkSum: string,
  merchantPrivateKey: KeyInput,
  mode: ConfirmationAnswerMode,
  now: number = Date.now()
): SealedAnswer {
  if (typeof checkSum !== "string" || checkSum.length === 0) {
    throw new WaasCallbackError("bad_schema", "check_sum must be a non-empty string")
  }
  if (!Number.isSafeInteger(now) || now < 0) {
    throw new WaasCallbackError("bad_schema", "time must be a non-negative integer of milliseconds")
  }
  const cipher = encryptEnvelope(JSON.stringify({ check_sum: checkSum, time: String(now) }), merchantPrivateKey)
  if (mode === "envelope") return { contentType: "application/json", body: JSON.stringify({ data: cipher }) }
  if (mode === "bare") return { contentType: "text/plain; charset=utf-8", body: cipher }
  throw new WaasCallbackError("bad_schema", `unknown confirmation answer mode ${JSON.stringify(mode)}`)
}

/* ------------------------------------------------------------------ WaaS side (the simulator) */

/** A notification as the WaaS sends it (§3.2: every value a string). Returns the `data` field value. */
export function sealNotification(payload: Record<string, string>, walletPrivateKey: KeyInput): string {
  return encryptEnvelope(JSON.stringify(payload), walletPrivateKey)
}

/** A confirmation request as the WaaS sends it (§3.4; `time` may be a number). Returns the `data` field value. */
export function sealConfirmationRequest(
  payload: Record<string, string | number>,
  walletPrivateKey: KeyInput
): string {
  return encryptEnvelope(JSON.stringify(payload), walletPrivateKey)
}

/**
 * Reads the merchant's answer to a confirmation request and returns its `check_sum`. Accepts the enveloped
 * (`{"data":"<cipher>"}`) and the bare (cipher string) forms; surrounding whitespace is ignored. The caller
 * compares the result with the check_sum it sent; anything else (FAILURE, an HTTP error page, a wrong key) is a
 * typed error.
 */
export function openConfirmationAnswer(body: string, merchantPublicKey: KeyInput): string {
  const text = typeof body === "string" ? body.trim() : ""
  if (text.length === 0) throw new WaasCallbackError("missing_data", "confirmation answer: empty body")
  let cipher = text
  if (text.startsWith("{")) {
    let outer: unknown
    try {
      outer = JSON.parse(text)
    } catch {
      throw new WaasCallbackError("bad_json", "confirmation answer: the body looks like JSON but does not parse")
    }
    const data = outer !== null && typeof outer === "object" ? (outer as { data?: unknown }).data : undefined
    if (typeof data !== "string" || data.length === 0) {
      throw new WaasCallbackError("missing_data", "confirmation answer: the JSON body has no string data field")
    }
    cipher = data
  }
  const plaintext = decryptEnvelope(cipher, merchantPublicKey)
  let parsed: unknown
  try {
    parsed = JSON.parse(plaintext)
  } catch {
    throw new WaasCallbackError("bad_json", "confirmation answer: the decrypted payload is not valid JSON")
  }
  const result = WithdrawConfirmationAnswer.safeParse(parsed)
  if (!result.success) {
    const issues = formatIssues(result.error)
    throw new WaasCallbackError("bad_schema", `confirmation answer: unexpected shape (${issues.join("; ")})`, issues)
  }
  return result.data.check_sum
}
