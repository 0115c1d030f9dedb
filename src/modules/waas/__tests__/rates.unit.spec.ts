import http from "node:http"
import type { AddressInfo } from "node:net"
import { ExactDecimal, parseDecimal } from "../../../protocol"
import { RateUnavailableError } from "../errors"
import { parseWaasOptions, type HttpRateSourceConfig } from "../options"
import { computeAmountDue, FixedRateSource, HttpRateSource } from "../checkout/rates"
import { testOptions } from "./support/fixtures"

/** a price API on loopback: answers with `body(url)` after `delayMs`, counting requests */
async function startPriceServer(body: (url: string) => { status?: number; json?: unknown; text?: string }, delayMs = 0) {
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? "")
    setTimeout(() => {
      const answer = body(req.url ?? "")
      res.writeHead(answer.status ?? 200, { "content-type": "application/json" })
      res.end(answer.text ?? JSON.stringify(answer.json))
    }, delayMs)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function httpConfig(base: string, extra: Partial<HttpRateSourceConfig> = {}): HttpRateSourceConfig {
  const o = parseWaasOptions({
    ...testOptions(),
    rateSource: { type: "http", url: `${base}/price/{symbol}/{currency}`, pricePath: "data.amount", ...extra },
  })
  if (o.rateSource.type !== "http") throw new Error("unreachable")
  return o.rateSource
}

/** a clock the test moves by hand */
function manualClock(start = Date.parse("2026-11-23T12:00:00Z")) {
  let now = start
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) }
}

describe("amount due", () => {
  it("divides fiat by the rate and rounds UP to the coin's decimals", () => {
    const due = (fiat: string, rate: string, decimals: number) =>
      computeAmountDue(parseDecimal(fiat), parseDecimal(rate), decimals).toFixed()
    expect(due("100", "65000", 8)).toBe("0.00153847") // 0.0015384615…
    expect(due("10", "3", 6)).toBe("3.333334")
    expect(due("30", "3", 6)).toBe("10") // exact: nothing added
    expect(due("0.01", "97123.45", 8)).toBe("0.00000011") // 1.03e-7 → one more satoshi, never zero
    expect(due("1", "3000", 18)).toBe("0.000333333333333334")
    expect(due("19.99", "0.9997", 0)).toBe("20")
  })

  it("refuses a zero rate", () => {
    expect(() => computeAmountDue(parseDecimal("1"), new ExactDecimal(0), 8)).toThrow(RangeError)
  })
})

describe("fixed rates", () => {
  it("reads the configured price, case-insensitive on the currency", async () => {
    const o = parseWaasOptions(testOptions())
    if (o.rateSource.type !== "fixed") throw new Error("unreachable")
    const clock = manualClock()
    const source = new FixedRateSource(o.rateSource, clock.now)
    const rate = await source.getRate("USDTERC20", "EUR")
    expect(rate.rate.toFixed()).toBe("0.92")
    expect(rate.source).toBe("fixed")
    expect(rate.at).toEqual(clock.now())
    await expect(source.getRate("BTC", "gbp")).rejects.toThrow(
      'no exchange rate for BTC in GBP: rateSource.rates has no entry rates["BTC"]["gbp"]',
    )
  })
})

describe("HTTP rates", () => {
  let server: Awaited<ReturnType<typeof startPriceServer>> | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it("fetches the price at the dot path, fills the URL template and keeps the exact decimal", async () => {
    server = await startPriceServer((url) => ({ json: { data: { amount: url.includes("/BTC/") ? "97123.456789" : 0.9997 } } }))
    const source = new HttpRateSource(httpConfig(server.base), manualClock().now)
    const btc = await source.getRate("BTC", "USD")
    expect(btc.rate.toFixed()).toBe("97123.456789")
    expect(btc.source).toBe("http:127.0.0.1:" + new URL(server.base).port)
    // a JSON number is read back as the decimal the API wrote
    expect((await source.getRate("USDTERC20", "usd")).rate.toFixed()).toBe("0.9997")
    expect(server.requests).toEqual(["/price/BTC/usd", "/price/USDTERC20/usd"])
  })

  it("sends the alias of a symbol when one is configured", async () => {
    server = await startPriceServer(() => ({ json: { data: { amount: "1.0001" } } }))
    const source = new HttpRateSource(httpConfig(server.base, { symbolAliases: { USDTERC20: "tether" } }), manualClock().now)
    await source.getRate("USDTERC20", "usd")
    expect(server.requests).toEqual(["/price/tether/usd"])
  })

  it("caches a price for cacheSeconds, then asks again; concurrent callers share one request", async () => {
    let price = 100
    server = await startPriceServer(() => ({ json: { data: { amount: String(price) } } }), 20)
    const clock = manualClock()
    const source = new HttpRateSource(httpConfig(server.base, { cacheSeconds: 60 }), clock.now)
    const [a, b, c] = await Promise.all([source.getRate("ETH", "usd"), source.getRate("ETH", "usd"), source.getRate("ETH", "usd")])
    expect([a, b, c].map((r) => r.rate.toFixed())).toEqual(["100", "100", "100"])
    expect(server.requests).toHaveLength(1)

    price = 101
    clock.advance(59_000)
    expect((await source.getRate("ETH", "usd")).rate.toFixed()).toBe("100")
    expect(server.requests).toHaveLength(1)
    clock.advance(1_000)
    expect((await source.getRate("ETH", "usd")).rate.toFixed()).toBe("101")
    expect(server.requests).toHaveLength(2)
    // another currency is another cache entry
    await source.getRate("ETH", "eur")
    expect(server.requests).toHaveLength(3)
  })

  it("gives up after timeoutMs with a clear error", async () => {
    server = await startPriceServer(() => ({ json: { data: { amount: "1" } } }), 1_000)
    const source = new HttpRateSource(httpConfig(server.base, { timeoutMs: 100 }), manualClock().now)
    const error = await source.getRate("BTC", "usd").catch((e: unknown) => e)
    // the message proves the timeout path gave up (the server would have answered after 1 s)
    expect(error).toBeInstanceOf(RateUnavailableError)
    expect((error as Error).message).toMatch(/^no exchange rate for BTC in USD: http:127\.0\.0\.1:\d+: no answer within 100 ms$/)
  })

  it("refuses a price older than maxAgeSeconds when the API gives its time, also from the cache", async () => {
    const clock = manualClock()
    let quotedAt = clock.now().getTime() - 30_000
    server = await startPriceServer(() => ({ json: { data: { amount: "3000" }, ts: quotedAt } }))
    const source = new HttpRateSource(httpConfig(server.base, { timePath: "ts", maxAgeSeconds: 60, cacheSeconds: 600 }), clock.now)
    const fresh = await source.getRate("ETH", "usd")
    expect(fresh.at.getTime()).toBe(quotedAt)

    clock.advance(31_000) // the cached price is now 61 s old
    await expect(source.getRate("ETH", "usd")).rejects.toThrow(/the price is 61 s old, older than rateSource.maxAgeSeconds \(60\)/)

    quotedAt = clock.now().getTime() - 120_000
    const other = new HttpRateSource(httpConfig(server.base, { timePath: "ts", maxAgeSeconds: 60 }), clock.now)
    await expect(other.getRate("ETH", "usd")).rejects.toThrow(/the price is 120 s old/)
  })

  it("reads ISO-8601 and epoch-second times", async () => {
    const clock = manualClock()
    const iso = new Date(clock.now().getTime() - 5_000).toISOString()
    server = await startPriceServer((url) => ({
      json: url.includes("BTC") ? { data: { amount: "1" }, t: iso } : { data: { amount: "1" }, t: Math.floor(clock.now().getTime() / 1000) - 10 },
    }))
    const source = new HttpRateSource(httpConfig(server.base, { timePath: "t" }), clock.now)
    expect((await source.getRate("BTC", "usd")).at.toISOString()).toBe(iso)
    expect(clock.now().getTime() - (await source.getRate("ETH", "usd")).at.getTime()).toBe(10_000)
  })

  it.each([
    ["HTTP 503", { status: 503, json: { error: "down" } }, /: HTTP 503$/],
    ["not JSON", { text: "<html>" }, /: the answer is not JSON$/],
    ["no price at the path", { json: { data: {} } }, /: no positive decimal price at "data.amount"$/],
    ["a zero price", { json: { data: { amount: "0" } } }, /: no positive decimal price at "data.amount"$/],
    ["an exponent", { json: { data: { amount: 1e-7 } } }, /: no positive decimal price at "data.amount"$/],
    ["a comma decimal", { json: { data: { amount: "1,5" } } }, /: no positive decimal price at "data.amount"$/],
  ])("explains a bad answer: %s", async (_label, answer, message) => {
    server = await startPriceServer(() => answer)
    const source = new HttpRateSource(httpConfig(server.base), manualClock().now)
    await expect(source.getRate("BTC", "usd")).rejects.toThrow(message)
  })

  it("explains an unreachable price API", async () => {
    const source = new HttpRateSource(httpConfig("http://127.0.0.1:9"), manualClock().now)
    await expect(source.getRate("BTC", "usd")).rejects.toThrow(/^no exchange rate for BTC in USD: http:127\.0\.0\.1:9: request failed/)
  })
})
