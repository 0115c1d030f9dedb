import {
  DEPOSIT_STATUSES,
  KeyInput,
  Notification,
  openNotification,
  parseDecimal,
  WaasCallbackError,
  WaasCryptoError,
  WITHDRAW_STATUSES,
} from "../../../../protocol"

/**
 * The edge of the notification callback, pure: from the request's raw form body (or query string) to a
 * typed, validated notification, or a typed rejection. No database, no logging: the route decides what to
 * do with either. Nothing here trusts the payload for money; it only has to be authentic and well-formed
 * to be recorded as a hint (protocol §1.3: blocks are authenticated one by one, not the message).
 */

export type RejectionReason =
  | "missing_data"
  | "ambiguous_form"
  | "undecryptable"
  | "bad_json"
  | "bad_schema"
  | "wrong_app_id"
  | "unknown_status"
  | "bad_amount"

/** Why a callback is refused, with the HTTP status to answer (never SUCCESS). The message names no secret. */
export class CallbackRejection extends Error {
  readonly reason: RejectionReason
  readonly httpStatus: 400 | 401 | 403
  constructor(reason: RejectionReason, httpStatus: 400 | 401 | 403, message: string) {
    super(message)
    this.name = "CallbackRejection"
    this.reason = reason
    this.httpStatus = httpStatus
  }
}

export interface CallbackRequestParts {
  /** req.rawBody: the url-encoded form exactly as received (the route's middleware preserves it) */
  rawBody?: Buffer | string
  /** req.body: only consulted when there is no raw body (a store that did not register the middleware) */
  body?: unknown
  /** req.query: the fallback when the body carries no data field (protocol §3.1) */
  query?: unknown
}

export interface NotificationCheck {
  appId: string
  /** rsa_wallet_pub */
  waasPublicKey: KeyInput
  /** fraction digits of a configured coin, undefined for a coin the store does not accept */
  decimalsOf(symbol: string): number | undefined
}

interface FormFields {
  app_id?: string
  data?: string
}

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name)
  if (values.length > 1) throw new CallbackRejection("ambiguous_form", 400, `the form repeats the ${name} field`)
  return values[0]
}

function fromParams(params: URLSearchParams): FormFields {
  // the 2020 docs spelled it appid
  const appId = single(params, "app_id") ?? single(params, "appid")
  return { app_id: appId, data: single(params, "data") }
}

/** an already parsed form (express's req.body or req.query): plain strings only */
function fromParsed(parsed: unknown, what: string): FormFields {
  if (parsed === null || typeof parsed !== "object") return {}
  const q = parsed as Record<string, unknown>
  const pick = (v: unknown) => {
    if (v === undefined) return undefined
    if (typeof v !== "string") throw new CallbackRejection("ambiguous_form", 400, `the ${what} repeats or nests a field`)
    return v
  }
  return { app_id: pick(q.app_id) ?? pick(q.appid), data: pick(q.data) }
}

/** `data` (and `app_id`) from the form body, falling back to the query string for what the body lacks. */
export function readCallbackForm(parts: CallbackRequestParts): FormFields {
  const raw = parts.rawBody === undefined ? "" : Buffer.isBuffer(parts.rawBody) ? parts.rawBody.toString("utf8") : parts.rawBody
  const body = raw.length > 0 ? fromParams(new URLSearchParams(raw)) : fromParsed(parts.body, "form body")
  const query = fromParsed(parts.query, "query string")
  return { app_id: body.app_id ?? query.app_id, data: body.data ?? query.data }
}

/**
 * Decrypts with the WaaS public key, validates the shape (zod, strict about `side`), checks app_id (form
 * field and inner field), the status against the side's enum, and the amount against the coin's decimals
 * when the store knows the coin. Malformed amounts ("1,5", "1e3", "-1", "") fail the schema already.
 */
export function readNotification(parts: CallbackRequestParts, check: NotificationCheck): Notification {
  const form = readCallbackForm(parts)
  let notification: Notification
  try {
    notification = openNotification(form, { appId: check.appId, waasPublicKey: check.waasPublicKey })
  } catch (e) {
    if (e instanceof WaasCryptoError) {
      throw new CallbackRejection("undecryptable", 401, `the data field does not verify with the WaaS public key (${e.reason})`)
    }
    if (e instanceof WaasCallbackError) {
      const status = e.reason === "wrong_app_id" ? 403 : 400
      // zod issue text names paths and expectations, never values of the payload
      throw new CallbackRejection(e.reason, status, e.message)
    }
    throw e
  }
  const statuses = notification.side === "deposit" ? DEPOSIT_STATUSES : WITHDRAW_STATUSES
  if (!statuses.includes(notification.status)) {
    throw new CallbackRejection("unknown_status", 400, `unknown ${notification.side} status ${notification.status}`)
  }
  const decimals = check.decimalsOf(notification.symbol)
  if (decimals !== undefined) {
    try {
      parseDecimal(notification.amount, { maxDecimals: decimals })
    } catch {
      throw new CallbackRejection("bad_amount", 400, `the amount has more fraction digits than ${notification.symbol} (${decimals})`)
    }
  }
  return notification
}
