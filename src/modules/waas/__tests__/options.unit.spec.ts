import validateWaasOptions from "../loaders/validate-options"
import { parseWaasOptions, WaasOptionsError } from "../options"
import { redactOptions } from "../options-redaction"
import { MERCHANT_KEYS, testOptions } from "./support/fixtures"

function errorOf(input: unknown): WaasOptionsError {
  try {
    parseWaasOptions(input)
  } catch (e) {
    if (e instanceof WaasOptionsError) return e
    throw e
  }
  throw new Error("expected the options to be rejected")
}

function withCoin(index: number, patch: Record<string, unknown>) {
  const o = testOptions()
  return { ...o, coins: o.coins.map((c, i) => (i === index ? { ...c, ...patch } : c)) }
}

describe("plugin options", () => {
  it("applies the documented defaults", () => {
    const o = parseWaasOptions({
      waasHost: "https://openapi.chainup.com",
      appId: "app",
      merchantPrivateKey: MERCHANT_KEYS.privateKey,
      waasPublicKey: MERCHANT_KEYS.publicKey,
      coins: [{ symbol: "BTC", displayName: "Bitcoin", network: "bitcoin", decimals: 8 }],
      rateSource: { type: "fixed", rates: { BTC: { usd: "65000" } } },
    })
    expect(o).toMatchObject({
      pathPrefix: "/api/v2",
      defaultCoin: "BTC",
      quoteLifetimeSeconds: 900,
      monitoringWindowSeconds: 3600,
      underpaymentTolerance: "0",
      addressReuse: { mode: "quarantine", quarantineSeconds: 604_800 },
      syntheticEmailDomain: "waas-pool.invalid",
      userCap: 50_000,
      liveFetchTimeoutMs: 3_000,
      callbackDbTimeoutMs: 3_000,
      liveFetchBudgetPerMinute: 5,
      callbackUtcOffsetMinutes: 480,
    })
    expect(o.coins[0]).toMatchObject({ poolLowWatermark: 10, poolBatchSize: 10, enabled: true, uriScheme: "bip21" })
  })

  it("derives each coin's URI scheme from its network unless one is given", () => {
    const o = parseWaasOptions(testOptions())
    expect(o.coins.map((c) => [c.symbol, c.uriScheme])).toEqual([
      ["BTC", "bip21"],
      ["ETH", "eip681"],
      ["USDTERC20", "eip681"],
      ["TRX", "plain"],
    ])
    expect(parseWaasOptions(withCoin(3, { uriScheme: "bip21" })).coins[3].uriScheme).toBe("bip21")
  })

  it.each([
    ["coins[1].decimals", "expected a whole number from 0 to 36", withCoin(1, { decimals: 37 })],
    ["coins[1].decimals", "expected a whole number from 0 to 36", withCoin(1, { decimals: 1.5 })],
    ["coins[0].decimals", "expected a whole number from 0 to 36", withCoin(0, { decimals: "8" })],
    ["coins[2].contractAddress", "expected a 0x-prefixed 20-byte hex address", withCoin(2, { contractAddress: "0x123" })],
    ["coins[0].contractAddress", "a contract address needs an EIP-681 coin", withCoin(0, { contractAddress: "0xdAC17F958D2ee523a2206206994597C13D831ec7" })],
    ["coins[0].uriScheme", 'expected "bip21", "eip681" or "plain"', withCoin(0, { uriScheme: "lightning" })],
    ["coins[1].symbol", "duplicate symbol, already used by coins[0]", withCoin(1, { symbol: "BTC" })],
    ["coins[0].network", 'expected a lower-case network name such as "ethereum"', withCoin(0, { network: "Bitcoin" })],
    ["coins[0].explorerUrl", "expected an http(s) URL", withCoin(0, { explorerUrl: "mempool.space" })],
    ["coins", "expected at least one coin", { ...testOptions(), coins: [] }],
    ["defaultCoin", "expected the symbol of an enabled coin (BTC, ETH, USDTERC20)", { ...testOptions(), defaultCoin: "TRX" }],
    ["waasHost", "expected an http(s) URL", { ...testOptions(), waasHost: "openapi.chainup.com" }],
    ["merchantPrivateKey", "expected a 2048-bit RSA private key", { ...testOptions(), merchantPrivateKey: "not-a-key" }],
    ["waasPublicKey", "expected a 2048-bit RSA public key", { ...testOptions(), waasPublicKey: MERCHANT_KEYS.privateKey }],
    ["underpaymentTolerance", 'expected a decimal fraction from "0" up to', { ...testOptions(), underpaymentTolerance: "1" }],
    ["underpaymentTolerance", 'expected a decimal fraction such as "0.005"', { ...testOptions(), underpaymentTolerance: 0.005 }],
    ["addressReuse.mode", 'expected { mode: "quarantine", quarantineSeconds } or { mode: "never" }', { ...testOptions(), addressReuse: { mode: "sometimes" } }],
    ["rateSource.rates.BTC.usd", "expected a positive decimal string", { ...testOptions(), rateSource: { type: "fixed", rates: { BTC: { usd: "-1" } } } }],
    ["rateSource.url", "expected a URL template containing {symbol}", { ...testOptions(), rateSource: { type: "http", url: "https://p.example/price", pricePath: "p" } }],
    ["syntheticEmailDomain", 'expected a lower-case domain such as "waas-pool.invalid"', { ...testOptions(), syntheticEmailDomain: "Pool Domain" }],
    ["userCap", "expected a whole number from 1 to 100000000", { ...testOptions(), userCap: 0 }],
    ["liveFetchTimeoutMs", "expected a whole number from 1 to 600000", { ...testOptions(), liveFetchTimeoutMs: -5 }],
    // the WaaS must get its FAILURE well before it stops waiting for an answer
    ["callbackDbTimeoutMs", "expected a whole number from 100 to 30000", { ...testOptions(), callbackDbTimeoutMs: 60_000 }],
    ["liveFetchBudgetPerMinute", "expected a whole number from 0 to 1000", { ...testOptions(), liveFetchBudgetPerMinute: 2.5 }],
  ])("names the bad option %s", (option, detail, input) => {
    const e = errorOf(input)
    expect(e.option).toBe(option)
    expect(e.message.startsWith(`medusa-plugin-waas: invalid option "${option}": `)).toBe(true)
    expect(e.message).toContain(detail)
  })

  describe("how long a seen address stays out of the pool", () => {
    // An address goes back to the pool when its rest ends; a transfer its previous shopper makes after
    // that is dated after the next shopper took the address, so the ledger credits the next shopper.
    const reuse = (quarantineSeconds: number) => ({ mode: "quarantine" as const, quarantineSeconds })

    it("refuses a quarantine shorter than an hour, saying why and what to do instead", () => {
      for (const quarantineSeconds of [0, 60, 3_599]) {
        const e = errorOf({ ...testOptions(), addressReuse: reuse(quarantineSeconds) })
        expect(e.option).toBe("addressReuse.quarantineSeconds")
        expect(e.message).toContain("expected at least 3600 (1 hour)")
        expect(e.message).toContain("would be credited to the next shopper")
        expect(e.message).toContain('{ mode: "never" }')
      }
    })

    it("refuses a monitoring window shorter than 15 minutes while addresses are reused", () => {
      // the quarantine-0-and-window-0 configuration of the review, and a window of 0 on its own
      for (const input of [
        { ...testOptions(), addressReuse: reuse(3_600), monitoringWindowSeconds: 0 },
        { ...testOptions(), monitoringWindowSeconds: 899 },
      ]) {
        const e = errorOf(input)
        expect(e.option).toBe("monitoringWindowSeconds")
        expect(e.message).toContain("expected at least 900 (15 minutes) while addresses are reused")
        expect(e.message).toContain("would be credited to the next shopper")
      }
      // both at 0 fails on the quarantine first: one message at a time, the first one a person must fix
      expect(errorOf({ ...testOptions(), addressReuse: reuse(0), monitoringWindowSeconds: 0 }).option).toBe(
        "addressReuse.quarantineSeconds",
      )
    })

    it("accepts the minimums, and any window when addresses are never reused", () => {
      expect(parseWaasOptions({ ...testOptions(), addressReuse: reuse(3_600), monitoringWindowSeconds: 900 })).toMatchObject({
        addressReuse: { mode: "quarantine", quarantineSeconds: 3_600 },
        monitoringWindowSeconds: 900,
      })
      // a retired address never reaches another shopper, whatever the window
      expect(parseWaasOptions({ ...testOptions(), addressReuse: { mode: "never" }, monitoringWindowSeconds: 0 })).toMatchObject({
        addressReuse: { mode: "never" },
        monitoringWindowSeconds: 0,
      })
    })
  })

  it("says that a missing option is required", () => {
    const { appId: _drop, ...rest } = testOptions()
    expect(errorOf(rest).message).toMatch(/^medusa-plugin-waas: invalid option "appId": is required/)
    expect(errorOf(undefined).message).toMatch(/^medusa-plugin-waas: invalid option "waasHost": is required/)
  })

  it("never echoes the private key, even when rejecting it", () => {
    const broken = MERCHANT_KEYS.privateKey.slice(0, 200)
    expect(errorOf({ ...testOptions(), merchantPrivateKey: broken }).message).not.toContain(broken.slice(10, 60))
  })

  it("redacts the private key, rate-API headers and query-string values for logs", () => {
    const o = parseWaasOptions({
      ...testOptions(),
      rateSource: {
        type: "http",
        url: "https://prices.example/v1/{symbol}?vs={currency}&api_key=sk_live_123",
        pricePath: "price",
        headers: { "x-api-key": "hdr-secret" },
      },
    })
    const text = JSON.stringify(redactOptions(o))
    expect(text).not.toContain(MERCHANT_KEYS.privateKey)
    expect(text).not.toContain("sk_live_123")
    expect(text).not.toContain("hdr-secret")
    expect(text).toContain('"merchantPrivateKey":"[redacted]"')
    expect(text).toContain("api_key=[redacted]")
  })

  it("fails the module loader at boot with the same message", async () => {
    await expect(validateWaasOptions({ container: {} as never, options: withCoin(1, { decimals: 99 }) })).rejects.toThrow(
      'medusa-plugin-waas: invalid option "coins[1].decimals": expected a whole number from 0 to 36',
    )
    await expect(validateWaasOptions({ container: {} as never, options: testOptions() })).resolves.toBeUndefined()
  })
})
