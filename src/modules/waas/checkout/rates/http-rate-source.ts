import { request } from "undici"
import { ExactDecimal, parseDecimal } from "../../../../protocol"
import { RateUnavailableError } from "../../errors"
import type { HttpRateSourceConfig } from "../../options"
import { readJsonPath } from "./json-path"
import type { Clock, Rate, RateSource } from "./types"

/** A JSON price API: one GET per (symbol, currency), cached for cacheSeconds. */
export class HttpRateSource implements RateSource {
  private readonly cache = new Map<string, { rate: Rate; fetchedAt: number }>()
  /** concurrent checkouts for the same pair share one request */
  private readonly inflight = new Map<string, Promise<Rate>>()
  private readonly source: string

  constructor(private readonly config: HttpRateSourceConfig, private readonly now: Clock) {
    this.source = `http:${new URL(config.url.replace(/\{(symbol|currency)\}/g, "x")).host}`
  }

  async getRate(symbol: string, currencyCode: string): Promise<Rate> {
    const key = `${symbol}\u0000${currencyCode.toLowerCase()}`
    const cached = this.cache.get(key)
    if (cached && this.now().getTime() - cached.fetchedAt < this.config.cacheSeconds * 1000) {
      // a cached price can go stale while it sits here: check its age again
      this.assertFresh(cached.rate, symbol, currencyCode)
      return cached.rate
    }
    let pending = this.inflight.get(key)
    if (!pending) {
      pending = this.fetchRate(symbol, currencyCode).finally(() => this.inflight.delete(key))
      this.inflight.set(key, pending)
    }
    const rate = await pending
    this.cache.set(key, { rate, fetchedAt: this.now().getTime() })
    return rate
  }

  private async fetchRate(symbol: string, currencyCode: string): Promise<Rate> {
    const apiSymbol = this.config.symbolAliases?.[symbol] ?? symbol
    const url = this.config.url
      .split("{symbol}")
      .join(encodeURIComponent(apiSymbol))
      .split("{currency}")
      .join(encodeURIComponent(currencyCode.toLowerCase()))
    const fail = (why: string) => new RateUnavailableError(symbol, currencyCode, `${this.source}: ${why}`)

    let body: unknown
    try {
      const res = await request(url, {
        method: "GET",
        headers: { accept: "application/json", ...(this.config.headers ?? {}) },
        headersTimeout: this.config.timeoutMs,
        bodyTimeout: this.config.timeoutMs,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      })
      if (res.statusCode !== 200) {
        await res.body.dump()
        throw fail(`HTTP ${res.statusCode}`)
      }
      body = await res.body.json()
    } catch (e) {
      if (e instanceof RateUnavailableError) throw e
      // duck-typed: the abort signal's DOMException is not always an `Error` of this realm
      const { name, message } = describeError(e)
      // which of undici's headers timer and the abort signal fires first depends on load, and undici may wrap
      // the signal's reason: look at the error, its cause, and the message's leading error name
      const causeName = describeError((e as { cause?: unknown } | null)?.cause).name
      if ([name, causeName].some(isTimeoutName) || /^(TimeoutError|AbortError)\b/.test(message)) {
        throw fail(`no answer within ${this.config.timeoutMs} ms`)
      }
      throw fail(name === "SyntaxError" ? "the answer is not JSON" : `request failed (${message})`)
    }

    const rawPrice = readJsonPath(body, this.config.pricePath)
    const rate = parsePrice(rawPrice)
    if (!rate) throw fail(`no positive decimal price at "${this.config.pricePath}"`)

    let at = this.now()
    if (this.config.timePath) {
      const rawTime = readJsonPath(body, this.config.timePath)
      const parsed = parseTime(rawTime)
      if (!parsed) throw fail(`no readable time at "${this.config.timePath}"`)
      at = parsed
    }
    const result: Rate = { rate, source: this.source, at }
    this.assertFresh(result, symbol, currencyCode)
    return result
  }

  /** Refuses a price older than maxAgeSeconds. Only meaningful with a timePath (the API's own time). */
  private assertFresh(rate: Rate, symbol: string, currencyCode: string): void {
    if (!this.config.timePath) return
    const ageSeconds = (this.now().getTime() - rate.at.getTime()) / 1000
    if (ageSeconds > this.config.maxAgeSeconds) {
      throw new RateUnavailableError(
        symbol,
        currencyCode,
        `${this.source}: the price is ${Math.round(ageSeconds)} s old, older than rateSource.maxAgeSeconds (${this.config.maxAgeSeconds})`,
      )
    }
  }
}

function isTimeoutName(name: string): boolean {
  return name === "AbortError" || /Timeout/.test(name)
}

function describeError(e: unknown): { name: string; message: string } {
  if (e !== null && typeof e === "object") {
    const { name, message } = e as { name?: unknown; message?: unknown }
    return { name: typeof name === "string" ? name : "", message: typeof message === "string" ? message : String(e) }
  }
  return { name: "", message: String(e) }
}

/**
 * Prices usually arrive as JSON numbers. JSON.parse has already made them doubles; String(n) gives back the
 * shortest decimal that reads as that double, which is the decimal the API wrote for any price with up to
 * 15 significant digits. Exponent forms (1e-7) are refused rather than guessed at.
 */
function parsePrice(raw: unknown): ExactDecimal | null {
  const text = typeof raw === "number" && Number.isFinite(raw) ? String(raw) : raw
  try {
    return parseDecimal(text, { allowZero: false })
  } catch {
    return null
  }
}

/** epoch seconds, epoch ms (as number or digit string) or an ISO-8601 string */
function parseTime(raw: unknown): Date | null {
  if (typeof raw === "number" || (typeof raw === "string" && /^\d{1,16}(\.\d+)?$/.test(raw))) {
    const n = Number(raw)
    if (!Number.isFinite(n) || n <= 0) return null
    // 1e11 s is in the year 5138, 1e11 ms is in 1973: a clean split between the two units
    return new Date(n < 1e11 ? n * 1000 : n)
  }
  if (typeof raw === "string") {
    const ms = Date.parse(raw)
    return Number.isNaN(ms) ? null : new Date(ms)
  }
  return null
}
