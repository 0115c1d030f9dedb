import type { KeyObject } from "node:crypto"
import type { Dispatcher } from "undici"
import { z } from "zod"
import { DEFAULT_PATH_PREFIX } from "../protocol/endpoints"
import { WaasCryptoError } from "../protocol/errors"
import { loadPrivateKey, loadPublicKey } from "../protocol/keys"
import { WaasOptionsError } from "./errors"

export interface WaasClientLogger {
  debug?(message: string): void
  warn(message: string): void
}

export interface WaasClientOptions {
  /** e.g. "https://openapi.chainup.com" or the simulator url */
  host: string
  /** default "/api/v2" (the 2025 JS/Python SDKs use "/v2", see protocol §1.1) */
  pathPrefix?: string
  appId: string
  /** base64 PKCS#8 DER or PEM; never logged */
  merchantPrivateKey: string
  /** `rsa_wallet_pub`: base64 SPKI DER or PEM */
  waasPublicKey: string
  /** TCP+TLS connect timeout of the own Agent, default 5000 */
  connectTimeoutMs?: number
  /** undici headersTimeout and bodyTimeout, default 15000 */
  readTimeoutMs?: number
  /** extra attempts for read endpoints only, default 2 */
  readRetries?: number
  /** default 200 */
  retryBaseDelayMs?: number
  /** default 2000 */
  retryMaxDelayMs?: number
  /** optional; otherwise the client owns a keep-alive Agent (closed by `close()`) */
  dispatcher?: Dispatcher
  /** source of the request `time`, default Date.now */
  now?: () => number
  logger?: WaasClientLogger
}

export interface ResolvedClientOptions {
  /** origin + optional base path of the host, no trailing slash */
  origin: string
  basePath: string
  appId: string
  merchantKey: KeyObject
  waasKey: KeyObject
  connectTimeoutMs: number
  readTimeoutMs: number
  readRetries: number
  retryBaseDelayMs: number
  retryMaxDelayMs: number
  dispatcher?: Dispatcher
  now: () => number
  logger?: WaasClientLogger
}

const isFunction = (v: unknown): boolean => typeof v === "function"

const OptionsSchema = z.object({
  host: z
    .string()
    .min(1)
    .refine((v) => {
      try {
        const u = new URL(v)
        return (u.protocol === "http:" || u.protocol === "https:") && !u.search && !u.hash && !u.username
      } catch {
        return false
      }
    }, "must be an http(s) URL without query, fragment or credentials, e.g. https://openapi.chainup.com"),
  pathPrefix: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)*\/?$/, 'must be a path such as "/api/v2" or "/v2"')
    .optional(),
  appId: z.string().min(1).max(128),
  merchantPrivateKey: z.string().min(1),
  waasPublicKey: z.string().min(1),
  connectTimeoutMs: z.number().int().positive().max(600_000).optional(),
  readTimeoutMs: z.number().int().positive().max(600_000).optional(),
  readRetries: z.number().int().min(0).max(10).optional(),
  retryBaseDelayMs: z.number().int().min(0).max(60_000).optional(),
  retryMaxDelayMs: z.number().int().min(0).max(600_000).optional(),
  dispatcher: z
    .custom<Dispatcher>(
      (v) => v !== null && typeof v === "object" && isFunction((v as { request?: unknown }).request),
      "must be an undici Dispatcher (Agent, Pool, MockAgent…)"
    )
    .optional(),
  now: z.custom<() => number>(isFunction, "must be a function returning epoch milliseconds").optional(),
  logger: z
    .custom<WaasClientLogger>(
      (v) => v !== null && typeof v === "object" && isFunction((v as { warn?: unknown }).warn),
      "must be an object with a warn(message) method"
    )
    .optional(),
})

/** Validates and normalises the options; loads both keys once. Errors name the option, never its value. */
export function resolveClientOptions(input: WaasClientOptions): ResolvedClientOptions {
  if (input === null || typeof input !== "object") throw new WaasOptionsError("(options)", "expected an object")
  const parsed = OptionsSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const option = issue.path.length > 0 ? String(issue.path[0]) : "(options)"
    throw new WaasOptionsError(option, issue.message)
  }
  const o = parsed.data
  let merchantKey: KeyObject
  let waasKey: KeyObject
  try {
    merchantKey = loadPrivateKey(o.merchantPrivateKey)
  } catch (e) {
    throw new WaasOptionsError("merchantPrivateKey", e instanceof WaasCryptoError ? e.message : "cannot be loaded")
  }
  try {
    waasKey = loadPublicKey(o.waasPublicKey)
  } catch (e) {
    throw new WaasOptionsError("waasPublicKey", e instanceof WaasCryptoError ? e.message : "cannot be loaded")
  }
  const retryBaseDelayMs = o.retryBaseDelayMs ?? 200
  const retryMaxDelayMs = o.retryMaxDelayMs ?? 2000
  if (retryMaxDelayMs < retryBaseDelayMs) {
    throw new WaasOptionsError("retryMaxDelayMs", "must not be smaller than retryBaseDelayMs")
  }
  const url = new URL(o.host)
  const prefix = (o.pathPrefix ?? DEFAULT_PATH_PREFIX).replace(/\/$/, "")
  return {
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, "") + prefix,
    appId: o.appId,
    merchantKey,
    waasKey,
    connectTimeoutMs: o.connectTimeoutMs ?? 5000,
    readTimeoutMs: o.readTimeoutMs ?? 15000,
    readRetries: o.readRetries ?? 2,
    retryBaseDelayMs,
    retryMaxDelayMs,
    dispatcher: o.dispatcher,
    now: o.now ?? Date.now,
    logger: o.logger,
  }
}
