import { MedusaError } from "@medusajs/framework/utils"
import { WaasBusinessError, WaasCryptoError, WaasTransportError } from "../../protocol/errors"

/**
 * A status change the state machine forbids (a final state is sticky, or the edge is not in the table).
 * A MedusaError of type NOT_ALLOWED, so an API route that lets it escape answers 400 with this message.
 */
export class IllegalStateTransitionError extends MedusaError {
  readonly machine: string
  readonly from: string
  readonly to: string
  constructor(machine: string, from: string, to: string) {
    super(MedusaError.Types.NOT_ALLOWED, `${machine}: illegal status change from "${from}" to "${to}"`)
    this.name = "IllegalStateTransitionError"
    this.machine = machine
    this.from = from
    this.to = to
  }
}

/** `code` of NoDepositAddressError: what the store routes' error handler answers 503 for (src/api/error-handler.ts). */
export const NO_DEPOSIT_ADDRESS_CODE = "waas_no_deposit_address"

/**
 * No deposit address could be handed out right now: the pool is empty and no live fetch could fill in (the
 * WaaS failed, the live-fetch budget is used up, or the fetched address was lost). A transient condition,
 * so the store API answers 503 (src/api/error-handler.ts), never a 500. The message reaches the
 * storefront, so it names the cause by kind only; `detail` (hosts, ports, raw errors) is for logs.
 */
export class NoDepositAddressError extends MedusaError {
  readonly symbol: string
  readonly detail: string
  constructor(symbol: string, publicCause: string, detail: string = publicCause) {
    super(
      MedusaError.Types.UNEXPECTED_STATE,
      `no deposit address available right now for ${symbol}: ${publicCause}`,
      NO_DEPOSIT_ADDRESS_CODE,
    )
    this.name = "NoDepositAddressError"
    this.symbol = symbol
    this.detail = detail
  }

  /** the pool is empty and the live fetch from the WaaS failed */
  static waasFailed(symbol: string, publicFailure: string, detail: string): NoDepositAddressError {
    return new NoDepositAddressError(
      symbol,
      `the address pool is empty and the WaaS could not be reached (${publicFailure})`,
      detail,
    )
  }

  /** the pool is empty and the store's live fetches for the minute are spent: no WaaS call was made */
  static budgetUsedUp(symbol: string, budgetPerMinute: number): NoDepositAddressError {
    return new NoDepositAddressError(
      symbol,
      `the address pool is empty and this store's live address fetches are used up (${budgetPerMinute} a minute); try again in a minute`,
    )
  }
}

/** What a shopper may read about why the WaaS could not be used: the kind of failure, never its internals. */
export function publicWaasFailure(e: unknown, timeoutMs: number): string {
  if (e instanceof WaasTransportError) {
    if (e.kind === "timeout") return "it did not answer in time"
    if (e.kind === "http_status") return `it answered HTTP ${e.status ?? "error"}`
    return "it is unreachable"
  }
  if (e instanceof WaasBusinessError) return `it refused with code ${e.code}`
  if (e instanceof WaasCryptoError) return "its answer did not verify"
  if (e instanceof LiveFetchTimeout) return `no answer within ${timeoutMs} ms`
  return "unexpected error"
}

/** The live address fetch at checkout took longer than liveFetchTimeoutMs. */
export class LiveFetchTimeout extends Error {
  constructor(ms: number) {
    super(`no deposit address within liveFetchTimeoutMs (${ms} ms)`)
    this.name = "LiveFetchTimeout"
  }
}

/** The rate source gave no usable price (unreachable, malformed, stale, or not configured). */
export class RateUnavailableError extends MedusaError {
  readonly symbol: string
  readonly currency: string
  constructor(symbol: string, currency: string, why: string) {
    super(MedusaError.Types.UNEXPECTED_STATE, `no exchange rate for ${symbol} in ${currency.toUpperCase()}: ${why}`)
    this.name = "RateUnavailableError"
    this.symbol = symbol
    this.currency = currency
  }
}
