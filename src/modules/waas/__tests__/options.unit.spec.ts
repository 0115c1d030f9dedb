import validateWaasOptions from "../loaders/validate-options"
import { parseWaasOptions, redactOptions, WaasOptionsError } from "../options"
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
    ["liveFetchBudgetPerMinute", "expected a whole number from 0 to 1000", { ...testOptions(), liveFetchBudgetPerMinute: 2.5 }],
  ])("names the bad option %s", (option, detail, input) => {
    const e = errorOf(input)
    expect(e.option).toBe(option)
    expect(e.message.startsWith(`medusa-plugin-waas: invalid option "${option}": `)).toBe(true)
    expect(e.message).toContain(detail)
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
