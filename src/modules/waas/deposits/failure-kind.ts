import { LedgerRaceError } from "./ledger-sql"

/**
 * Whether a failure to apply a deposit says nothing about the record itself: the database or the WaaS out of
 * reach, a lock or a statement timeout, a serialisation conflict, a race on a row. Those are retried and never
 * move the sync cursor past the record. Anything else is taken to be the record's (it fails the same way every
 * time) and the deposit is parked for review instead of blocking what follows it; a park made wrongly costs
 * little, since the poller re-reads parked deposits every run and applies them once they go through.
 */
const WAAS_ERRORS = new Set(["WaasTransportError", "WaasBusinessError", "WaasCryptoError", "WaasResponseError", "WaasRequestError"])
const DRIVER_ERRORS = new Set(["KnexTimeoutError", "TimeoutError", "AbortError", "ConnectionException"])
/** SQLSTATE classes: 08 connection, 40 rollback (serialisation, deadlock), 53 resources, 57 operator, 58 system */
const TRANSIENT_SQLSTATE = /^(08|40|53|57|58)[0-9A-Z]{3}$|^55P03$|^25P02$/
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"])
const CONNECTION_TROUBLE = /timeout acquiring a connection|connection terminated|connection (is )?closed|econnrefused|pool (is )?(destroyed|draining)/i

export function isTransientFailure(e: unknown, depth = 0): boolean {
  if (e instanceof LedgerRaceError) return true
  if (e === null || typeof e !== "object") return false
  const err = e as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown }
  const name = typeof err.name === "string" ? err.name : ""
  const code = typeof err.code === "string" ? err.code : ""
  if (name === "LedgerRaceError" || WAAS_ERRORS.has(name) || DRIVER_ERRORS.has(name)) return true
  if (TRANSIENT_SQLSTATE.test(code) || NETWORK_CODES.has(code)) return true
  if (typeof err.message === "string" && CONNECTION_TROUBLE.test(err.message)) return true
  return depth < 3 && err.cause !== undefined && isTransientFailure(err.cause, depth + 1)
}
