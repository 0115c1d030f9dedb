/**
 * Typed errors of the WaaS protocol layer. Callers branch on the class (and on `code` / `reason`),
 * never on message text.
 */
export class WaasError extends Error {
  constructor(message: string) {
    super(message)
    this.name = new.target.name
  }
}

export type CryptoFailureReason =
  | "empty"
  | "not_base64"
  | "bad_length"
  | "bad_block"
  | "not_utf8"
  | "bad_key"
  | "too_large"

/** Where a crypto failure happened, when known (set by the client for responses). Never the full ciphertext. */
export interface CryptoErrorContext {
  /** the WaaS endpoint whose response failed to verify */
  endpoint?: string
  /** a truncated copy of the outer HTTP body, for diagnosis */
  bodyExcerpt?: string
}

/** The envelope could not be produced or did not verify (wrong key, tampered, truncated, not base64…). */
export class WaasCryptoError extends WaasError {
  readonly reason: CryptoFailureReason
  readonly endpoint?: string
  readonly bodyExcerpt?: string
  constructor(reason: CryptoFailureReason, message: string, context: CryptoErrorContext = {}) {
    super(message)
    this.reason = reason
    this.endpoint = context.endpoint
    this.bodyExcerpt = context.bodyExcerpt
  }
}

export type CallbackFailureReason = "missing_data" | "bad_json" | "bad_schema" | "wrong_app_id"

/**
 * A callback from the WaaS (notification, confirmation request) or a confirmation answer that decrypted (or had
 * nothing to decrypt) but is not acceptable. Envelope failures are `WaasCryptoError` instead. A receiver answers
 * `FAILURE` (never `SUCCESS`) for either.
 */
export class WaasCallbackError extends WaasError {
  readonly reason: CallbackFailureReason
  /** zod issues as "path: message" for bad_schema */
  readonly issues: string[]
  constructor(reason: CallbackFailureReason, message: string, issues: string[] = []) {
    super(message)
    this.reason = reason
    this.issues = issues
  }
}

/** A decimal amount that is not a plain decimal string acceptable for its use. */
export class DecimalFormatError extends WaasError {
  readonly input: string
  constructor(input: unknown, why: string) {
    const shown = typeof input === "string" ? input : String(input)
    super(`invalid decimal ${JSON.stringify(shown.slice(0, 64))}: ${why}`)
    this.input = shown
  }
}

/** The WaaS answered with a business error (`code` other than 0). */
export class WaasBusinessError extends WaasError {
  readonly code: string
  readonly endpoint: string
  readonly waasMessage: string
  /** true when the error came back as a plaintext (unencrypted) outer body, see protocol §1.5 */
  readonly plaintext: boolean
  constructor(endpoint: string, code: string, waasMessage: string, plaintext = false) {
    super(`WaaS ${endpoint} failed with code ${code}${waasMessage ? ` (${waasMessage})` : ""}`)
    this.code = code
    this.endpoint = endpoint
    this.waasMessage = waasMessage
    this.plaintext = plaintext
  }
}

/** Network failure, timeout or non-200 HTTP status. Whether a read may be retried: `isRetryable` in the client. */
export class WaasTransportError extends WaasError {
  readonly endpoint: string
  readonly status?: number
  readonly kind: "timeout" | "network" | "http_status"
  constructor(endpoint: string, kind: "timeout" | "network" | "http_status", message: string, status?: number) {
    super(`WaaS ${endpoint}: ${message}`)
    this.endpoint = endpoint
    this.kind = kind
    this.status = status
  }
}

/** The WaaS answered something that does not match the documented shape. */
export class WaasResponseError extends WaasError {
  readonly endpoint: string
  readonly issues: string[]
  constructor(endpoint: string, issues: string[]) {
    super(`WaaS ${endpoint} returned an unexpected shape: ${issues.slice(0, 5).join("; ")}`)
    this.endpoint = endpoint
    this.issues = issues
  }
}
