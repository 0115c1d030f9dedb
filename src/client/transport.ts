import { Agent, Dispatcher } from "undici"
import { WaasResponseError, WaasTransportError } from "../protocol/errors"

/** What the WaaS said, before any interpretation of the envelope. */
export interface RawResponse {
  status: number
  body: string
}

/** Far above any real answer (100 records ≈ 100 KB of ciphertext); stops a broken peer from exhausting memory. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024

export interface TransportOptions {
  origin: string
  connectTimeoutMs: number
  readTimeoutMs: number
  dispatcher?: Dispatcher
}

/**
 * POSTs url-encoded forms over undici with keep-alive and explicit timeouts: connect (own Agent only),
 * headers and body (per request, so they also apply to a caller-supplied dispatcher).
 * Maps every failure to `WaasTransportError` (timeout | network); non-200 statuses are returned as they are.
 */
export class FormTransport {
  private readonly dispatcher: Dispatcher
  private readonly ownsDispatcher: boolean

  constructor(private readonly options: TransportOptions) {
    if (options.dispatcher) {
      this.dispatcher = options.dispatcher
      this.ownsDispatcher = false
    } else {
      this.dispatcher = new Agent({
        connect: { timeout: options.connectTimeoutMs },
        headersTimeout: options.readTimeoutMs,
        bodyTimeout: options.readTimeoutMs,
        keepAliveTimeout: 10_000,
        keepAliveMaxTimeout: 60_000,
        connections: 16,
      })
      this.ownsDispatcher = true
    }
  }

  async postForm(endpoint: string, path: string, form: Record<string, string>): Promise<RawResponse> {
    let response: Dispatcher.ResponseData
    try {
      response = await this.dispatcher.request({
        origin: this.options.origin,
        path,
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
          "user-agent": "medusa-plugin-waas",
        },
        body: new URLSearchParams(form).toString(),
        headersTimeout: this.options.readTimeoutMs,
        bodyTimeout: this.options.readTimeoutMs,
      })
    } catch (e) {
      throw toTransportError(endpoint, e)
    }
    const body = await readLimited(endpoint, response.body)
    return { status: response.statusCode, body }
  }

  private ended: "closed" | "destroyed" | null = null

  async close(): Promise<void> {
    if (!this.ownsDispatcher || this.ended) return
    this.ended = "closed"
    await this.dispatcher.close()
  }

  /** Aborts requests in flight and closes the client's own connections at once (also after close()). */
  async destroy(): Promise<void> {
    if (!this.ownsDispatcher || this.ended === "destroyed") return
    this.ended = "destroyed"
    await this.dispatcher.destroy()
  }
}

async function readLimited(endpoint: string, body: Dispatcher.ResponseData["body"]): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of body) {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer)
      size += buf.length
      if (size > MAX_RESPONSE_BYTES) {
        body.destroy()
        throw new WaasResponseError(endpoint, [`response body exceeds ${MAX_RESPONSE_BYTES} bytes`])
      }
      chunks.push(buf)
    }
  } catch (e) {
    if (e instanceof WaasResponseError) throw e
    throw toTransportError(endpoint, e)
  }
  return Buffer.concat(chunks).toString("utf8")
}

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"])

function toTransportError(endpoint: string, e: unknown): WaasTransportError {
  const code = e !== null && typeof e === "object" ? (e as { code?: unknown }).code : undefined
  const codeText = typeof code === "string" ? code : "unknown"
  if (typeof code === "string" && TIMEOUT_CODES.has(code)) {
    return new WaasTransportError(endpoint, "timeout", `timed out (${codeText})`)
  }
  const message = e instanceof Error ? e.message : String(e)
  return new WaasTransportError(endpoint, "network", `network error (${codeText}): ${message.slice(0, 200)}`)
}
