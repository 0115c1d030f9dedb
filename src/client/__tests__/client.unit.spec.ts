import { MockAgent } from "undici"
import { DecimalFormatError, WaasBusinessError, WaasCryptoError, WaasResponseError, WaasTransportError } from "../../protocol/errors"
import { encryptEnvelope } from "../../protocol/envelope"
import { generateWaasKeyPair } from "../../protocol/keys"
import { WaasClient } from "../client"
import { WaasOptionsError, WaasRequestError } from "../errors"
import { WaasClientOptions } from "../options"
import { FakeWaas, fail, ok, rejection, Reply, startFakeWaas } from "./fake-waas"

const APP_ID = "baaceb1e506e1b5d7d1f0a3b1622583b"
const T0 = 1_700_000_000_000

let merchant: { privateKey: string; publicKey: string }
let wallet: { privateKey: string; publicKey: string }
let stranger: { privateKey: string; publicKey: string }
let fake: FakeWaas
const clients: WaasClient[] = []

beforeAll(async () => {
  merchant = generateWaasKeyPair()
  wallet = generateWaasKeyPair()
  stranger = generateWaasKeyPair()
  fake = await startFakeWaas({ merchantPublicKey: merchant.publicKey, walletPrivateKey: wallet.privateKey }, () => fail("100001"))
})

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await fake.close()
})

beforeEach(() => {
  fake.requests.length = 0
})

interface Logged {
  debug: string[]
  warn: string[]
}

function makeClient(overrides: Partial<WaasClientOptions> = {}, logged?: Logged): WaasClient {
  const client = new WaasClient({
    host: fake.url,
    appId: APP_ID,
    merchantPrivateKey: merchant.privateKey,
    waasPublicKey: wallet.publicKey,
    now: () => T0,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    readTimeoutMs: 2000,
    logger: logged
      ? { debug: (m) => logged.debug.push(m), warn: (m) => logged.warn.push(m) }
      : { warn: () => undefined },
    ...overrides,
  })
  clients.push(client)
  return client
}

const withdrawRow = (request_id: string, id = 1) => ({
  id,
  request_id,
  uid: 10739,
  symbol: "ETH",
  amount: "1.5",
  withdraw_fee_symbol: "ETH",
  withdraw_fee: "0.01",
  fee_symbol: "ETH",
  real_fee: "0",
  address_from: "",
  address_to: "0x1234567890abcdef1234567890abcdef12345678",
  txid: "",
  confirmations: 0,
  status: 0,
  created_at: T0,
  updated_at: T0,
})

const depositRow = (id: number) => ({
  id,
  uid: 1001,
  symbol: "ETH",
  amount: "0.0002000000000000",
  address_to: "0x6956f9af53b22117f2fc94dfe7c74ff3893b2acd",
  txid: "0xabc",
  confirmations: 12,
  status: 1,
  created_at: T0,
  updated_at: T0,
})

const feeRow = (id: number) => ({
  id,
  symbol: "USDTERC20",
  amount: "100",
  fee: "0.0021",
  base_symbol: "ETH",
  status: 1,
  created_at: T0,
  updated_at: T0,
})

describe("options", () => {
  const base = (): WaasClientOptions => ({
    host: "https://openapi.chainup.com",
    appId: APP_ID,
    merchantPrivateKey: merchant.privateKey,
    waasPublicKey: wallet.publicKey,
  })

  function optionError(o: unknown): WaasOptionsError {
    let caught: unknown
    try {
      clients.push(new WaasClient(o as WaasClientOptions))
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(WaasOptionsError)
    return caught as WaasOptionsError
  }

  it("accepts minimal options", async () => {
    const c = new WaasClient(base())
    await c.close()
  })

  it.each([
    ["host", { host: "openapi.chainup.com" }],
    ["host", { host: "ftp://x" }],
    ["host", { host: "https://x/?a=1" }],
    ["host", { host: undefined }],
    ["pathPrefix", { pathPrefix: "api v2" }],
    ["appId", { appId: "" }],
    ["connectTimeoutMs", { connectTimeoutMs: -1 }],
    ["readTimeoutMs", { readTimeoutMs: 1.5 }],
    ["readRetries", { readRetries: 11 }],
    ["retryMaxDelayMs", { retryBaseDelayMs: 500, retryMaxDelayMs: 100 }],
    ["dispatcher", { dispatcher: {} }],
    ["now", { now: 5 }],
    ["logger", { logger: { debug: () => undefined } }],
  ])("names the bad option %s", (option, patch) => {
    const e = optionError({ ...base(), ...patch })
    expect(e.option).toBe(option)
    expect(e.message).toContain(option)
  })

  it("a bad key names the option and never echoes the key", () => {
    const e = optionError({ ...base(), merchantPrivateKey: merchant.privateKey.slice(0, 400) })
    expect(e.option).toBe("merchantPrivateKey")
    expect(e.message).not.toContain(merchant.privateKey.slice(40, 80))
    expect(optionError({ ...base(), merchantPrivateKey: merchant.publicKey }).option).toBe("merchantPrivateKey")
    expect(optionError({ ...base(), waasPublicKey: "abc" }).option).toBe("waasPublicKey")
    const small = optionError({ ...base(), waasPublicKey: "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAL" })
    expect(small.option).toBe("waasPublicKey")
  })

  it("accepts PEM keys", async () => {
    const pem = (b64: string, label: string) =>
      `-----BEGIN ${label}-----\n${(b64.match(/.{1,64}/g) ?? []).join("\n")}\n-----END ${label}-----\n`
    const c = new WaasClient({
      ...base(),
      merchantPrivateKey: pem(merchant.privateKey, "PRIVATE KEY"),
      waasPublicKey: pem(wallet.publicKey, "PUBLIC KEY"),
    })
    await c.close()
  })
})

describe("request format (§1.1, §1.4)", () => {
  it("POSTs a url-encoded form with exactly app_id and data; the inner JSON is canonical", async () => {
    fake.setHandler(() => ok({ uid: 3529218, auth_level: 0, nickname: "", invite_code: "SC4CUA" }))
    const out = await makeClient().userInfo({ email: "shopper@example.com" })
    expect(out).toEqual({ uid: 3529218, nickname: "" })
    const [req] = fake.requests
    expect(req.method).toBe("POST")
    expect(req.url).toBe("/api/v2/user/info")
    expect(req.contentType).toBe("application/x-www-form-urlencoded")
    expect(Object.keys(req.form).sort()).toEqual(["app_id", "data"])
    expect(req.form.app_id).toBe(APP_ID)
    expect(req.form.data).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(req.innerText).toBe(`{"time":${T0},"charset":"UTF-8","version":"v2","email":"shopper@example.com"}`)
  })

  it("ids and max_id travel as JSON numbers, lists as comma-joined strings", async () => {
    fake.setHandler((req) => {
      if (req.url.endsWith("/account/getDepositAddress")) return ok({ uid: "3529218", address: "0xabc" })
      if (req.url.endsWith("/billing/depositList")) return ok([depositRow(7), depositRow(9)])
      return ok([])
    })
    const c = makeClient()
    expect(await c.getDepositAddress(3529218, "ETH")).toEqual({ uid: 3529218, address: "0xabc" })
    await c.syncDepositList(0)
    expect((await c.depositList([7, 9])).map((r) => r.id)).toEqual([7, 9])
    expect(fake.requests[0].inner).toMatchObject({ uid: 3529218, symbol: "ETH" })
    expect(typeof fake.requests[0].inner.uid).toBe("number")
    expect(fake.requests[1].inner.max_id).toBe(0)
    expect(fake.requests[2].inner.ids).toBe("7,9")
  })

  it("the path prefix is configurable (/v2 as in the JS/Python SDKs) and the host may carry a base path", async () => {
    fake.setHandler(() => ok({ symbol: "ETH", balance: "64.97599802" }))
    await makeClient({ pathPrefix: "/v2" }).getCompanyBySymbol("ETH")
    await makeClient({ host: `${fake.url}/gateway/`, pathPrefix: "/api/v2/" }).getCompanyBySymbol("ETH")
    expect(fake.requests.map((r) => r.url)).toEqual(["/v2/account/getCompanyBySymbol", "/gateway/api/v2/account/getCompanyBySymbol"])
  })

  it("each request takes a fresh time from now()", async () => {
    let t = T0
    fake.setHandler(() => ok([]))
    const c = makeClient({ now: () => (t += 1000) })
    await c.syncWithdrawList(0)
    await c.syncWithdrawList(0)
    expect(fake.requests.map((r) => r.inner.time)).toEqual([T0 + 1000, T0 + 2000])
  })

  it("reuses keep-alive connections (sequential calls do not open a socket each)", async () => {
    fake.setHandler(() => ok([]))
    const before = fake.connections()
    const c = makeClient()
    for (let i = 0; i < 10; i++) await c.syncMinerFeeList(i)
    // undici's pool may alternate between two sockets for back-to-back requests; never ten
    expect(fake.connections() - before).toBeLessThanOrEqual(2)
  })

  it("works with a caller-supplied dispatcher (undici MockAgent) and leaves it open on close", async () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    agent
      .get("https://waas.test")
      .intercept({ path: "/api/v2/user/getCoinList", method: "POST" })
      .reply(200, JSON.stringify({ data: encryptEnvelope(JSON.stringify({ code: "0", data: [] }), wallet.privateKey) }))
    const c = makeClient({ host: "https://waas.test", dispatcher: agent })
    expect(await c.getCoinList()).toEqual([])
    await c.close()
    agent.assertNoPendingInterceptors()
    await agent.close()
  })
})

describe("endpoints map the documented shapes", () => {
  it("registerEmail → {uid}", async () => {
    fake.setHandler(() => ok({ uid: 42 }))
    expect(await makeClient().registerEmail("a@b.co")).toEqual({ uid: 42 })
    expect(fake.requests[0].url).toBe("/api/v2/user/registerEmail")
  })

  it("userInfo by mobile", async () => {
    fake.setHandler(() => ok({ uid: "7" }))
    expect(await makeClient().userInfo({ country: "86", mobile: "13800000000" })).toEqual({ uid: 7 })
    expect(fake.requests[0].inner).toMatchObject({ country: "86", mobile: "13800000000" })
  })

  it("getCoinList tolerates string/number drift", async () => {
    fake.setHandler(() =>
      ok([
        { symbol: "BTC", decimals: "8", deposit_confirmation: "2", support_memo: "0", real_symbol: "BTC" },
        { symbol: "USDTERC20", decimals: 6, base_symbol: "ETH", contract_address: "0xdac17f958d2ee523a2206206994597c13d831ec7", extra: "x" },
      ])
    )
    const coins = await makeClient().getCoinList()
    expect(coins.map((c) => [c.symbol, c.decimals])).toEqual([["BTC", 8], ["USDTERC20", 6]])
  })

  it("getByUidAndSymbol and getCompanyBySymbol return decimal strings untouched", async () => {
    fake.setHandler((req) =>
      req.url.endsWith("getByUidAndSymbol")
        ? ok({ normal_balance: "2.99400066", lock_balance: "0", deposit_address: "0xabc" })
        : ok({ symbol: "ETH", balance: "64.97599802000000000001", fee_account_balance: "1" })
    )
    const c = makeClient()
    expect(await c.getByUidAndSymbol(1, "ETH")).toEqual({ normal_balance: "2.99400066", lock_balance: "0", deposit_address: "0xabc" })
    expect(await c.getCompanyBySymbol("ETH")).toEqual({ symbol: "ETH", balance: "64.97599802000000000001" })
  })

  it("withdraw sends a canonical decimal string and returns {id, withdraw_type, status}", async () => {
    fake.setHandler(() => ok({ withdraw_type: 1, id: 48680, status: 0 }))
    const out = await makeClient().withdraw({
      request_id: "wd-1",
      from_uid: 3529218,
      to_address: "0x1234567890abcdef1234567890abcdef12345678",
      amount: "1.2500",
      symbol: "ETH",
      focus_online: "1",
    })
    expect(out).toEqual({ id: 48680, withdraw_type: 1, status: 0 })
    expect(fake.requests[0].inner).toMatchObject({ request_id: "wd-1", from_uid: 3529218, amount: "1.25", focus_online: "1" })
    expect(typeof fake.requests[0].inner.amount).toBe("string")
  })

  it.each(["1e3", "1,5", "0", "-1", "0.1 ", ""])("withdraw refuses amount %j before sending anything", async (amount) => {
    const e = await rejection(makeClient().withdraw({ request_id: "wd-2", from_uid: 1, to_address: "0xabc", amount, symbol: "ETH" }))
    expect(e).toBeInstanceOf(DecimalFormatError)
    expect(fake.requests).toHaveLength(0)
  })

  it("withdraw refuses a request_id that withdrawList could not look up", async () => {
    for (const request_id of ["a,b", "", "x".repeat(65), "has space"]) {
      const e = await rejection(makeClient().withdraw({ request_id, from_uid: 1, to_address: "0xabc", amount: "1", symbol: "ETH" }))
      expect(e).toBeInstanceOf(WaasRequestError)
    }
    expect(fake.requests).toHaveLength(0)
  })

  it("invalid arguments are refused locally with WaasRequestError", async () => {
    const c = makeClient()
    expect(await rejection(c.registerEmail("not-an-email"))).toBeInstanceOf(WaasRequestError)
    expect(await rejection(c.getDepositAddress(1.5, "ETH"))).toBeInstanceOf(WaasRequestError)
    expect(await rejection(c.syncDepositList(-1))).toBeInstanceOf(WaasRequestError)
    expect(await rejection(c.depositList([1, Number.NaN]))).toBeInstanceOf(WaasRequestError)
    expect(await rejection(c.userInfo({} as { email: string }))).toBeInstanceOf(WaasRequestError)
    expect(fake.requests).toHaveLength(0)
  })

  it("list endpoints: none → [] without a call; more than 100 ids → pages of 100", async () => {
    fake.setHandler((req) => {
      const ids = String(req.inner.ids).split(",")
      if (req.url.endsWith("withdrawList")) return ok(ids.map((r, i) => withdrawRow(r, i + 1)))
      if (req.url.endsWith("minerFeeList")) return ok(ids.map((id) => feeRow(Number(id))))
      return ok(ids.map((id) => depositRow(Number(id))))
    })
    const c = makeClient()
    expect(await c.withdrawList([])).toEqual([])
    expect(await c.depositList([])).toEqual([])
    expect(fake.requests).toHaveLength(0)
    const ids = Array.from({ length: 150 }, (_, i) => i + 1)
    expect((await c.depositList(ids)).map((r) => r.id)).toEqual(ids)
    expect(fake.requests.map((r) => String(r.inner.ids).split(",").length)).toEqual([100, 50])
    const rids = ids.map((i) => `wd-${i}`)
    expect((await c.withdrawList(rids)).map((r) => r.request_id)).toEqual(rids)
    expect((await c.minerFeeList([3, 4])).map((r) => r.fee)).toEqual(["0.0021", "0.0021"])
  })
})

describe("errors (§1.5, §2.18)", () => {
  it("plaintext pre-auth error → WaasBusinessError plaintext", async () => {
    fake.setHandler(() => ({ raw: JSON.stringify({ code: "100015", msg: "invalid app_id" }) }))
    const e = await rejection(makeClient().getCoinList())
    expect(e).toBeInstanceOf(WaasBusinessError)
    expect(e).toMatchObject({ code: "100015", plaintext: true, endpoint: "/user/getCoinList" })
  })

  it("encrypted business error → WaasBusinessError with the code; not retried", async () => {
    fake.setHandler(() => fail("110065", "user does not exist"))
    const e = await rejection(makeClient().getByUidAndSymbol(99, "ETH"))
    expect(e).toMatchObject({ name: "WaasBusinessError", code: "110065", plaintext: false })
    expect(fake.requests).toHaveLength(1)
  })

  it("a response signed by another key → WaasCryptoError with a truncated body", async () => {
    fake.setHandler(() => ({ result: { code: "0", data: [] }, signWith: stranger.privateKey }))
    const e = await rejection(makeClient().syncDepositList(0))
    expect(e).toBeInstanceOf(WaasCryptoError)
    expect((e as WaasCryptoError).bodyExcerpt?.length).toBeLessThanOrEqual(160)
    expect(fake.requests).toHaveLength(1) // not retried: the WaaS answered, it just did not verify
  })

  it("a malformed amount in a record → WaasResponseError", async () => {
    fake.setHandler(() => ok([{ ...depositRow(1), amount: "1e-4" }]))
    const e = await rejection(makeClient().syncDepositList(0))
    expect(e).toBeInstanceOf(WaasResponseError)
    expect((e as WaasResponseError).issues.join()).toContain("amount")
  })

  it("a non-JSON 200 body → WaasResponseError", async () => {
    fake.setHandler(() => ({ raw: "<html>maintenance</html>", contentType: "text/html" }))
    expect(await rejection(makeClient().getCoinList())).toBeInstanceOf(WaasResponseError)
  })

  it("an oversized body → WaasResponseError", async () => {
    fake.setHandler(() => ({ raw: "x".repeat(4 * 1024 * 1024 + 10) }))
    expect(await rejection(makeClient({ readRetries: 0 }).getCoinList())).toBeInstanceOf(WaasResponseError)
  })

  it("connection refused → WaasTransportError network", async () => {
    const c = makeClient({ host: "http://127.0.0.1:1", readRetries: 0 })
    const e = await rejection(c.getCoinList())
    expect(e).toBeInstanceOf(WaasTransportError)
    expect(e).toMatchObject({ kind: "network" })
  })

  it("secrets never reach errors or logs", async () => {
    const logged: Logged = { debug: [], warn: [] }
    fake.setHandler(() => ({ raw: "oops", status: 503 }))
    const c = makeClient({}, logged)
    const e = await rejection(c.withdraw({ request_id: "wd-s", from_uid: 1, to_address: "0xabc", amount: "1", symbol: "ETH" }))
    fake.setHandler(() => ({ result: { code: "0", data: [] }, signWith: stranger.privateKey }))
    const e2 = await rejection(c.syncWithdrawList(0))
    const sent = fake.requests.map((r) => r.form.data)
    const texts = [
      ...logged.debug,
      ...logged.warn,
      String(e),
      JSON.stringify(e),
      String(e2),
      JSON.stringify(e2),
      (e2 as WaasCryptoError).bodyExcerpt ?? "",
    ].join("\n")
    expect(texts.length).toBeGreaterThan(0)
    expect(logged.debug.length).toBeGreaterThan(0)
    expect(texts).not.toContain(merchant.privateKey.slice(100, 140))
    for (const d of sent) expect(texts).not.toContain(d.slice(0, 200))
  })
})

describe("retries (reads only)", () => {
  it("a read is retried on 5xx and succeeds", async () => {
    const logged: Logged = { debug: [], warn: [] }
    fake.setHandler((_r, i): Reply => (i < 2 ? { raw: "busy", status: 503 } : ok([])))
    expect(await makeClient({}, logged).syncDepositList(5)).toEqual([])
    expect(fake.requests).toHaveLength(3)
    expect(logged.warn).toHaveLength(2)
    expect(logged.warn[0]).toContain("/billing/syncDepositList")
  })

  it("gives up after 1 + readRetries attempts with the last error", async () => {
    fake.setHandler(() => ({ raw: "busy", status: 502 }))
    const e = await rejection(makeClient({ readRetries: 3 }).getCompanyBySymbol("ETH"))
    expect(e).toMatchObject({ name: "WaasTransportError", kind: "http_status", status: 502 })
    expect(fake.requests).toHaveLength(4)
  })

  it("100001 system error is retried for reads", async () => {
    fake.setHandler((_r, i) => (i === 0 ? fail("100001", "system error") : ok({ uid: 5 })))
    expect(await makeClient().userInfo({ email: "a@b.co" })).toEqual({ uid: 5 })
    expect(fake.requests).toHaveLength(2)
  })

  it("4xx is not retried", async () => {
    fake.setHandler(() => ({ raw: "nope", status: 404 }))
    expect(await rejection(makeClient().getCoinList())).toMatchObject({ kind: "http_status", status: 404 })
    expect(fake.requests).toHaveLength(1)
  })

  it("destroy() aborts a request stuck on the WaaS instead of waiting out the read timeout", async () => {
    fake.setHandler(() => ({ hang: true }))
    const c = makeClient({ readTimeoutMs: 60_000, readRetries: 0 })
    const stuck = rejection(c.syncDepositList(0))
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 10)) // the request is on the wire
    // without the abort, the request would only end at the 60 s read timeout, far past this test's timeout
    await c.destroy()
    expect(await stuck).toBeInstanceOf(WaasTransportError)
    await c.destroy() // idempotent
  })

  it("withdraw is never retried (5xx, 100001, timeout)", async () => {
    const input = { request_id: "wd-r", from_uid: 1, to_address: "0xabc", amount: "1", symbol: "ETH" }
    fake.setHandler(() => ({ raw: "busy", status: 503 }))
    expect(await rejection(makeClient().withdraw(input))).toMatchObject({ kind: "http_status", status: 503 })
    expect(fake.requests).toHaveLength(1)
    fake.setHandler(() => fail("100001"))
    expect(await rejection(makeClient().withdraw(input))).toMatchObject({ code: "100001" })
    expect(fake.requests).toHaveLength(2)
    fake.setHandler(() => ({ hang: true }))
    expect(await rejection(makeClient({ readTimeoutMs: 200 }).withdraw(input))).toMatchObject({ kind: "timeout" })
    expect(fake.requests).toHaveLength(3)
  })

  it("registerEmail is never retried", async () => {
    fake.setHandler(() => ({ raw: "busy", status: 500 }))
    expect(await rejection(makeClient().registerEmail("a@b.co"))).toBeInstanceOf(WaasTransportError)
    expect(fake.requests).toHaveLength(1)
  })

  // undici runs headersTimeout/bodyTimeout on its coarse "fast timers" (≈1 s resolution, ±0.5 s), so a
  // 200 ms timeout fires after 0.2–1.5 s; the slow answers below take 5 s so the outcome is not a race.
  it("a read timeout is a WaasTransportError timeout, and reads retry after it", async () => {
    fake.setHandler((_r, i) => (i === 0 ? { raw: "{}", delayMs: 5000 } : ok([])))
    // the first answer would come after 5 s: a second request means the client gave up on it and retried
    expect(await makeClient({ readTimeoutMs: 200 }).syncWithdrawList(0)).toEqual([])
    expect(fake.requests).toHaveLength(2)
    fake.setHandler(() => ({ hang: true }))
    const e = await rejection(makeClient({ readTimeoutMs: 200, readRetries: 0 }).syncWithdrawList(0))
    expect(e).toMatchObject({ name: "WaasTransportError", kind: "timeout" })
  })

  it("a stalled body also times out (bodyTimeout)", async () => {
    fake.setHandler(() => ({ raw: "{}", bodyDelayMs: 5000 }))
    // had the client waited out the 5 s body, "{}" would fail as a bad shape, not as a timeout
    const e = await rejection(makeClient({ readTimeoutMs: 200, readRetries: 0 }).getCoinList())
    expect(e).toMatchObject({ name: "WaasTransportError", kind: "timeout" })
  })
})
