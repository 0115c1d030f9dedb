import { WaasCode } from "../protocol/codes"
import { WaasBusinessError, WaasTransportError } from "../protocol/errors"

/**
 * Retry policy. Only endpoints marked `read: true` are retried, and only for failures that say nothing about
 * the request itself: timeouts and network errors, HTTP 5xx (and 408/429), and WaaS `100001` system error.
 *
 * Never retried, whatever the failure:
 * - `withdraw`: a blind retry after a timeout could pay twice if the first attempt went through (or at best
 *   turn a success into `110088`, hiding the withdrawal id). Use `submitWithdrawalSafely`, which looks the
 *   request_id up first and only resubmits the same request_id.
 * - `registerEmail`: the duplicate-email behaviour is undocumented; after a timeout the uid is recovered with
 *   `user/info` by the same email (`registerOrRecover`).
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof WaasTransportError) {
    if (error.kind !== "http_status") return true
    const s = error.status ?? 0
    return s >= 500 || s === 408 || s === 429
  }
  return error instanceof WaasBusinessError && error.code === WaasCode.SYSTEM_ERROR
}

/**
 * Exponential backoff with full jitter (the AWS architecture blog's "full jitter"): a uniformly random delay in
 * [0, min(max, base · 2^attempt)). `attempt` is 0 for the first retry.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.floor(random() * ceiling)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
