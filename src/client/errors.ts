import { WaasError } from "../protocol/errors"

/** A client option is missing or invalid. Names the option; never echoes a key. */
export class WaasOptionsError extends WaasError {
  readonly option: string
  constructor(option: string, problem: string) {
    super(`invalid WaasClient option "${option}": ${problem}`)
    this.option = option
  }
}

/** The caller passed arguments the WaaS would reject; nothing was sent. */
export class WaasRequestError extends WaasError {
  readonly endpoint: string
  readonly issues: string[]
  constructor(endpoint: string, issues: string[]) {
    super(`invalid arguments for WaaS ${endpoint}: ${issues.slice(0, 5).join("; ")}`)
    this.endpoint = endpoint
    this.issues = issues
  }
}

/**
 * `submitWithdrawalSafely` could not tell whether the withdrawal exists (the submission failed ambiguously and
 * the lookup failed too). Do NOT submit under a new request_id: retry later with the same one.
 */
export class WithdrawalOutcomeUnknownError extends WaasError {
  readonly requestId: string
  /** the last error seen (submission or lookup) */
  readonly lastError: unknown
  constructor(requestId: string, lastError: unknown) {
    const why = lastError instanceof Error ? lastError.message : String(lastError)
    super(`the outcome of withdrawal ${requestId} is unknown (${why}); retry later with the same request_id`)
    this.requestId = requestId
    this.lastError = lastError
  }
}
