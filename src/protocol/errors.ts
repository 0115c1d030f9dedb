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

/** The envelope could not be produced or did not verify (wrong key, tampered, truncated, not base64…). */
export class WaasCryptoError extends WaasError {
  readonly reason: CryptoFailureReason
  constructor(reason: CryptoFailureReason, message: string) {
    super(message)
    this.reason = reason
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

/** Network failure, timeout or non-200 HTTP status. `retryable` says whether a read may be retried. */
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
