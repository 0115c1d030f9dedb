import { z } from "zod"
import { decryptEnvelope } from "../protocol/envelope"
import { WaasBusinessError, WaasCryptoError, WaasResponseError, WaasTransportError } from "../protocol/errors"
import { KeyInput } from "../protocol/keys"
import { ResultEnvelope } from "../protocol/schemas"
import { formatIssues } from "../protocol/zod-issues"
import type { RawResponse } from "./transport"

/** How much of a raw body an error may carry: enough to diagnose, never a whole ciphertext. */
export const BODY_EXCERPT_CHARS = 120

export function excerpt(text: string, max = BODY_EXCERPT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length} chars)`
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v)
}

/**
 * Interprets one WaaS answer exactly as protocol §1.5 prescribes and returns the validated `data`:
 *
 * 1. non-200 → `WaasTransportError` kind `http_status`;
 * 2. the body must be a JSON object, else `WaasResponseError`;
 * 3. a non-empty string `data` is decrypted with the WaaS public key (failure → `WaasCryptoError` carrying a
 *    truncated copy of the outer body) and the inner object is the result; otherwise the outer object is the
 *    result, i.e. a plaintext pre-auth error;
 * 4. code "0" (or 0) → `data` is validated with the endpoint schema (`WaasResponseError` on mismatch); any other
 *    code → `WaasBusinessError` with that code, `plaintext` telling which path it came from.
 *
 * A plaintext *success* is refused (`WaasResponseError`): the WaaS signs every real result, and accepting an
 * unsigned one would let anything between us and the WaaS forge balances or withdrawal ids.
 */
export function openResponse<S extends z.ZodType>(
  endpoint: string,
  raw: RawResponse,
  dataSchema: S,
  waasPublicKey: KeyInput
): z.output<S> {
  if (raw.status !== 200) {
    throw new WaasTransportError(endpoint, "http_status", `HTTP ${raw.status}`, raw.status)
  }
  let outer: unknown
  try {
    outer = JSON.parse(raw.body)
  } catch {
    throw new WaasResponseError(endpoint, [`the body is not JSON: ${JSON.stringify(excerpt(raw.body, 60))}`])
  }
  if (!isPlainObject(outer)) {
    throw new WaasResponseError(endpoint, ["the body is not a JSON object"])
  }

  let result: unknown = outer
  let plaintext = true
  if (typeof outer.data === "string" && outer.data.length > 0) {
    let inner: string
    try {
      inner = decryptEnvelope(outer.data, waasPublicKey)
    } catch (e) {
      if (!(e instanceof WaasCryptoError)) throw e
      throw new WaasCryptoError(e.reason, `WaaS ${endpoint}: the response data does not verify (${e.message})`, {
        endpoint,
        bodyExcerpt: excerpt(raw.body),
      })
    }
    try {
      result = JSON.parse(inner)
    } catch {
      throw new WaasResponseError(endpoint, ["the decrypted result is not JSON"])
    }
    plaintext = false
  }

  const envelope = ResultEnvelope.safeParse(result)
  if (!envelope.success) {
    throw new WaasResponseError(endpoint, [
      plaintext ? "the body has neither a data ciphertext nor a code" : "the decrypted result has no code",
      ...formatIssues(envelope.error),
    ])
  }
  const { code, msg } = envelope.data
  if (code !== "0") {
    throw new WaasBusinessError(endpoint, code, msg, plaintext)
  }
  if (plaintext) {
    throw new WaasResponseError(endpoint, ["refusing an unencrypted (unauthenticated) success result"])
  }
  const data = dataSchema.safeParse(envelope.data.data)
  if (!data.success) {
    throw new WaasResponseError(endpoint, formatIssues(data.error))
  }
  return data.data
}
