import { WaasCode } from "../protocol/codes"
import { parseDecimal } from "../protocol/decimal"
import { WaasBusinessError, WaasCryptoError, WaasResponseError, WaasTransportError } from "../protocol/errors"
import type { WithdrawRecord } from "../protocol/schemas"
import type { WaasClient, WithdrawInput, WithdrawResult } from "./client"
import { WaasRequestError, WithdrawalOutcomeUnknownError } from "./errors"
import { sleep } from "./retry"

export type SafeWithdrawalOutcome =
  /** the WaaS accepted this submission (`attempts` > 1 means after a lookup found nothing) */
  | { kind: "submitted"; result: WithdrawResult; attempts: number }
  /** the withdrawal already existed: a previous attempt went through (or `110088` duplicate request) */
  | { kind: "existing"; record: WithdrawRecord; via: "duplicate_request" | "lookup_after_failure" }

export interface SafeWithdrawalOptions {
  /** resubmissions (with the same request_id) after a lookup found nothing; default 1 */
  maxResubmits?: number
  /**
   * wait before looking the request_id up after an ambiguous failure, so an attempt still in flight at the WaaS
   * (e.g. waiting on the confirmation callback) can land first; default 1000
   */
  settleDelayMs?: number
}

/**
 * Failures after which the withdrawal may or may not exist: the request may have reached the WaaS. A business
 * error (other than `100001`) is a definitive "not created" and is rethrown as is.
 */
function isAmbiguous(e: unknown): boolean {
  return (
    e instanceof WaasTransportError ||
    e instanceof WaasResponseError ||
    e instanceof WaasCryptoError ||
    (e instanceof WaasBusinessError && e.code === WaasCode.SYSTEM_ERROR)
  )
}

const isDuplicate = (e: unknown): boolean => e instanceof WaasBusinessError && e.code === WaasCode.DUPLICATE_REQUEST

/** names of the fields where an existing record differs from what we meant to submit */
function differences(record: WithdrawRecord, input: WithdrawInput): string[] {
  const diffs: string[] = []
  if (record.uid !== input.from_uid) diffs.push("from_uid")
  if (record.symbol !== input.symbol) diffs.push("symbol")
  if (record.address_to !== input.to_address) diffs.push("to_address")
  if (!parseDecimal(record.amount).equals(parseDecimal(input.amount))) diffs.push("amount")
  return diffs
}

/**
 * Submits a withdrawal so that it is paid at most once (protocol §2.8):
 * - on a timeout / network error / 5xx / unreadable answer, it first asks `withdrawList([request_id])`; if the
 *   withdrawal exists it is returned, and only if it is absent the SAME request_id is resubmitted;
 * - `110088` (duplicate request) means an earlier attempt was accepted: the existing record is returned;
 * - an existing record whose uid, symbol, address or amount differ from `input` is a reused request_id: a
 *   `WaasRequestError`, never a success;
 * - if neither the submission nor the lookup gives an answer, `WithdrawalOutcomeUnknownError` is thrown:
 *   retry later with the same request_id, never with a new one.
 * Persist the withdrawal (request_id, uid, address, amount, symbol) before calling this: the WaaS calls the
 * confirmation URL synchronously inside the request.
 */
export async function submitWithdrawalSafely(
  client: WaasClient,
  input: WithdrawInput,
  options: SafeWithdrawalOptions = {}
): Promise<SafeWithdrawalOutcome> {
  const maxResubmits = options.maxResubmits ?? 1
  const settleDelayMs = options.settleDelayMs ?? 1000
  let lastError: unknown
  for (let attempt = 1; attempt <= 1 + maxResubmits; attempt++) {
    try {
      return { kind: "submitted", result: await client.withdraw(input), attempts: attempt }
    } catch (e) {
      if (!isDuplicate(e) && !isAmbiguous(e)) throw e
      lastError = e
    }
    if (settleDelayMs > 0 && !isDuplicate(lastError)) await sleep(settleDelayMs)
    let found: WithdrawRecord | undefined
    try {
      found = (await client.withdrawList([input.request_id])).find((r) => r.request_id === input.request_id)
    } catch (lookupError) {
      throw new WithdrawalOutcomeUnknownError(input.request_id, lookupError)
    }
    if (found) {
      const diffs = differences(found, input)
      if (diffs.length > 0) {
        // the request_id was already used for another withdrawal: a caller bug, and nothing we may "recover" into
        throw new WaasRequestError("/billing/withdraw", [
          `request_id ${input.request_id} already belongs to a withdrawal with a different ${diffs.join(", ")}`,
        ])
      }
      return { kind: "existing", record: found, via: isDuplicate(lastError) ? "duplicate_request" : "lookup_after_failure" }
    }
    // 110088 but no record: the WaaS knows the request_id but cannot show it yet; do not resubmit blindly
    if (isDuplicate(lastError)) break
  }
  throw new WithdrawalOutcomeUnknownError(input.request_id, lastError)
}
