import { decryptEnvelope, encryptEnvelope, generateWaasKeyPair, WAAS_ENDPOINTS } from "../../src/protocol"
import {
  MERCHANT_DEMO_PUBLIC_KEY,
  REQUEST_VECTORS,
} from "../../src/protocol/__tests__/fixtures/published-vectors"
import { startSimulator, type WaasSimulator } from ".."
import {
  addressOf,
  APP_ID,
  call,
  codeOf,
  creditedDeposit,
  endpointUrl,
  merchant,
  newUser,
  ok,
  startTestSim,
} from "./helpers"

/** The WaaS endpoints over real HTTP, spoken with nothing but fetch and src/protocol. */
let sim: WaasSimulator
beforeAll(async () => {
  sim = await startTestSim({ autoCollect: false })
})
afterAll(() => sim.stop())

describe("envelope", () => {
  it("answers HTTP 200 {data} whose cipher is ChainUp's exact format: 234-byte chunks, url-safe, unpadded", async () => {
    const a = await call(sim, "registerEmail", { email: "envelope@shop.test" })
    expect(a.httpStatus).toBe(200)
    expect(Object.keys(a.outer ?? {})).toEqual(["data"])
    const data = a.outer?.data as string
    expect(data).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(data).toHaveLength(342)
    const plain = decryptEnvelope(data, sim.walletPublicKey)
    expect(plain).toMatch(/^\{"code":"0","data":\{"uid":\d+\},"msg":"成功"\}$/)
    // deterministic padding: re-encrypting the plaintext with the wallet key reproduces the bytes
    expect(encryptEnvelope(plain, sim.walletPrivateKey)).toBe(data)
  })

  it("splits long responses into several blocks (getCoinList) and every response matches its protocol schema", async () => {
    const a = await call(sim, "getCoinList", {})
    const data = a.outer?.data as string
    const bytes = Buffer.byteLength(decryptEnvelope(data, sim.walletPublicKey))
    const blocks = Math.ceil(bytes / 234)
    expect(blocks).toBeGreaterThan(3)
    expect(data.length).toBe(Math.ceil((blocks * 256 * 4) / 3))
    expect(encryptEnvelope(decryptEnvelope(data, sim.walletPublicKey), sim.walletPrivateKey)).toBe(data)
    const coins = WAAS_ENDPOINTS.getCoinList.data.parse(a.inner?.data)
    expect(coins.map((c) => c.symbol)).toEqual(["BTC", "ETH", "USDTERC20", "TRX", "USDTTRC20"])
    const usdt = (a.inner?.data as Array<Record<string, unknown>>)[2]
    // every value a string, as in the docs' example
    expect(Object.values(usdt).every((v) => typeof v === "string")).toBe(true)
    expect(usdt).toMatchObject({ base_symbol: "ETH", decimals: "6", deposit_confirmation: "12", merge_address_symbol: "ETH" })
  })

  it("accepts GET with the query string exactly like POST", async () => {
    const uid = (await ok<{ uid: number }>(sim, "registerEmail", { email: "get@shop.test" }, { method: "GET" })).uid
    expect(await ok(sim, "userInfo", { email: "get@shop.test" }, { method: "GET" })).toMatchObject({ uid })
  })
})

describe("published ChainUp request samples", () => {
  let demo: WaasSimulator
  beforeAll(async () => {
    demo = await startSimulator({ clock: "manual", merchants: [{ appId: APP_ID, merchantPublicKey: MERCHANT_DEMO_PUBLIC_KEY }] })
  })
  afterAll(() => demo.stop())

  const vector = (name: string): string => {
    const v = REQUEST_VECTORS.find((x) => x.name === name)
    if (!v) throw new Error(`no vector ${name}`)
    return v.ciphertext
  }

  it("reads the real request ciphertexts (string time, string uid and max_id, lowercase symbol)", async () => {
    // R1 is the docs' generic "by email" request: sent to registerEmail it registers the sample's email
    const uid = (await ok<{ uid: number }>(demo, "registerEmail", {}, { rawData: vector("R1") })).uid
    expect(await ok(demo, "userInfo", {}, { rawData: vector("R1") })).toMatchObject({ uid, auth_level: 0 })
    expect(await ok(demo, "syncDepositList", {}, { rawData: vector("R2") })).toEqual([])
    expect(await ok(demo, "getCompanyBySymbol", {}, { rawData: vector("R3") })).toEqual({ symbol: "ETH", balance: "0" })
    expect(await codeOf(demo, "getByUidAndSymbol", {}, { rawData: vector("R4") })).toBe("110065")
  })
})

describe("errors before authentication are plaintext", () => {
  it("unknown or missing app_id → {code:100015} unencrypted", async () => {
    for (const appId of ["0123456789abcdef0123456789abcdef", ""]) {
      const a = await call(sim, "userInfo", { email: "x@y.z" }, { appId })
      expect(a.httpStatus).toBe(200)
      expect(a.outer).toEqual({ code: "100015", msg: expect.any(String) })
      expect(a.inner).toBeUndefined()
    }
  })

  it("missing, non-base64, truncated or foreign-key data → {code:100005} unencrypted", async () => {
    const other = generateWaasKeyPair()
    const good = encryptEnvelope(JSON.stringify({ time: Date.now(), email: "x@y.z" }), merchant.privateKey)
    const bad = [
      "",
      "not base64 at all!",
      good.slice(0, 300),
      encryptEnvelope(JSON.stringify({ time: Date.now(), email: "x@y.z" }), other.privateKey),
    ]
    for (const rawData of bad) {
      const a = await call(sim, "userInfo", {}, { rawData })
      expect(a.outer).toEqual({ code: "100005", msg: expect.any(String) })
    }
  })

  it("a valid envelope around something that is not a valid request → encrypted 100004", async () => {
    expect(await codeOf(sim, "userInfo", {}, { rawData: encryptEnvelope("not json", merchant.privateKey) })).toBe("100004")
    expect(await codeOf(sim, "registerEmail", {})).toBe("100004")
    expect(await codeOf(sim, "registerEmail", { email: "not-an-email" })).toBe("100004")
    expect(await codeOf(sim, "registerEmail", { email: "t@x.io" }, { noTime: true })).toBe("100004")
    expect(await codeOf(sim, "getDepositAddress", { uid: "abc", symbol: "ETH" })).toBe("100004")
    const a = await call(sim, "registerEmail", {})
    expect(a.inner?.msg).toMatch(/email/)
  })

  it("answers 404 for unknown paths and 405 for other methods", async () => {
    expect((await fetch(`${sim.url}${sim.pathPrefix}/user/nope`, { method: "POST" })).status).toBe(404)
    expect((await fetch(`${sim.url}/v2/user/info`, { method: "POST" })).status).toBe(404)
    expect((await fetch(endpointUrl(sim, "userInfo"), { method: "PUT" })).status).toBe(405)
  })
})

describe("users", () => {
  it("registerEmail → uid; duplicate → 110101 (documented choice); user/info recovers it; unknown → 110065", async () => {
    const uid = await newUser(sim, "Dup@Shop.test")
    expect(await codeOf(sim, "registerEmail", { email: "dup@shop.test" })).toBe("110101")
    expect(await ok(sim, "userInfo", { email: "dup@shop.test" })).toEqual({
      uid,
      auth_level: 0,
      nickname: "",
      real_name: "",
      invite_code: expect.stringMatching(/^[0-9A-F]{6}$/),
    })
    expect(await codeOf(sim, "userInfo", { email: "ghost@shop.test" })).toBe("110065")
    expect(await codeOf(sim, "userInfo", { country: "86", mobile: "13800000000" })).toBe("110065")
  })

  it("stops registering at the user cap with 110101", async () => {
    const capped = await startTestSim({ userCap: 2 })
    try {
      await newUser(capped)
      await newUser(capped)
      expect(await codeOf(capped, "registerEmail", { email: "third@shop.test" })).toBe("110101")
    } finally {
      await capped.stop()
    }
  })
})

describe("addresses and balances", () => {
  it("hands out stable addresses matching the coin's address_regex, shared by tokens of the same chain", async () => {
    const uid = await newUser(sim)
    const coins = (await ok<Array<{ symbol: string; address_regex: string }>>(sim, "getCoinList", {})).map((c) => ({
      symbol: c.symbol,
      re: new RegExp(c.address_regex),
    }))
    const got: Record<string, string> = {}
    for (const c of coins) {
      const data = await ok<{ uid: unknown; address: string }>(sim, "getDepositAddress", { uid, symbol: c.symbol })
      // the real sample answers uid as a string
      expect(data.uid).toBe(String(uid))
      expect(data.address).toMatch(c.re)
      got[c.symbol] = data.address
    }
    expect(await addressOf(sim, uid, "ETH")).toBe(got.ETH)
    expect(got.USDTERC20).toBe(got.ETH)
    expect(got.USDTTRC20).toBe(got.TRX)
    expect(new Set([got.BTC, got.ETH, got.TRX]).size).toBe(3)
    expect(await addressOf(sim, await newUser(sim), "ETH")).not.toBe(got.ETH)
  })

  it("reports unknown symbols with 120202 and unknown uids with 110065", async () => {
    const uid = await newUser(sim)
    expect(await codeOf(sim, "getDepositAddress", { uid, symbol: "DOGE" })).toBe("120202")
    expect(await codeOf(sim, "getDepositAddress", { uid: 1, symbol: "ETH" })).toBe("110065")
    expect(await codeOf(sim, "getByUidAndSymbol", { uid: 1, symbol: "ETH" })).toBe("110065")
    expect(await codeOf(sim, "getByUidAndSymbol", { uid, symbol: "DOGE" })).toBe("120202")
    expect(await codeOf(sim, "getCompanyBySymbol", { symbol: "DOGE" })).toBe("120202")
  })

  it("shows credited deposits in normal_balance (no auto-collection here) as decimal strings", async () => {
    const uid = await newUser(sim)
    const before = await ok(sim, "getByUidAndSymbol", { uid: String(uid), symbol: "TRX" })
    expect(before).toEqual({ normal_balance: "0", lock_balance: "0", deposit_address: "" })
    const address = await addressOf(sim, uid, "TRX")
    creditedDeposit(sim, address, "12.000001")
    sim.control.chainDeposit({ address, amount: "5" }) // unconfirmed: not in the balance
    expect(await ok(sim, "getByUidAndSymbol", { uid, symbol: "TRX" })).toEqual({
      normal_balance: "12.000001",
      lock_balance: "0",
      deposit_address: address,
    })
  })

  it("moves credited deposits to the company account when auto-collection is on (the default)", async () => {
    const collecting = await startTestSim()
    try {
      const uid = await newUser(collecting)
      const address = await addressOf(collecting, uid, "USDTERC20")
      creditedDeposit(collecting, address, "250.5", "USDTERC20")
      expect(await ok(collecting, "getByUidAndSymbol", { uid, symbol: "USDTERC20" })).toMatchObject({ normal_balance: "0" })
      expect(await ok(collecting, "getCompanyBySymbol", { symbol: "USDTERC20" })).toEqual({ symbol: "USDTERC20", balance: "250.5" })
      const fees = await ok<Array<Record<string, unknown>>>(collecting, "syncMinerFeeList", { max_id: 0 })
      expect(WAAS_ENDPOINTS.syncMinerFeeList.data.parse(fees)).toHaveLength(1)
      expect(fees[0]).toMatchObject({ id: 1, uid, symbol: "USDTERC20", amount: "250.5", fee: "0.00065", base_symbol: "ETH", status: 1 })
      expect(await ok(collecting, "minerFeeList", { ids: "1,77" })).toEqual(fees)
    } finally {
      await collecting.stop()
    }
  })
})

describe("deposit records and sync paging", () => {
  let paging: WaasSimulator
  let uid: number
  beforeAll(async () => {
    paging = await startTestSim({ autoCollect: false })
    uid = await newUser(paging)
    const address = await addressOf(paging, uid, "ETH")
    for (let i = 0; i < 250; i++) paging.control.chainDeposit({ address, amount: `0.${String(i + 1).padStart(3, "0")}` })
    paging.control.confirmDeposit(7, 12)
  })
  afterAll(() => paging.stop())

  it("syncDepositList pages 100/100/50 in ascending id order, then nothing", async () => {
    const sizes: number[] = []
    const ids: number[] = []
    let maxId = 0
    for (;;) {
      const page = await ok<Array<{ id: number }>>(paging, "syncDepositList", { max_id: maxId })
      sizes.push(page.length)
      if (page.length === 0) break
      ids.push(...page.map((r) => r.id))
      maxId = page[page.length - 1].id
    }
    expect(sizes).toEqual([100, 100, 50, 0])
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => i + 1))
  })

  it("records have the real response's types and keys: numbers for ids/times/status, strings for amounts", async () => {
    const [r] = await ok<Array<Record<string, unknown>>>(paging, "depositList", { ids: "7" })
    expect(Object.keys(r)).toEqual(["symbol", "uid", "amount", "updated_at", "address_to", "created_at", "txid", "id", "confirmations", "status"])
    expect(r).toMatchObject({ id: 7, uid, symbol: "ETH", amount: "0.007", confirmations: 12, status: 1 })
    expect(typeof r.created_at).toBe("number")
    expect(r.created_at).toBe(paging.clock.now())
    expect(WAAS_ENDPOINTS.depositList.data.parse([r])).toHaveLength(1)
  })

  it("depositList returns the ids asked for, skips unknown ones, refuses more than 100", async () => {
    const got = await ok<Array<{ id: number }>>(paging, "depositList", { ids: "3,999999,1,abc" })
    expect(got.map((r) => r.id)).toEqual([3, 1])
    const many = Array.from({ length: 101 }, (_, i) => i + 1).join(",")
    expect(await codeOf(paging, "depositList", { ids: many })).toBe("100004")
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1).join(",")
    expect(await ok<unknown[]>(paging, "depositList", { ids: hundred })).toHaveLength(100)
  })

  it("pads amounts to a fixed scale when asked (the real list shows 16 decimals)", async () => {
    const padded = await startTestSim({ amountScale: 16 })
    try {
      const u = await newUser(padded)
      const d = padded.control.chainDeposit({ address: await addressOf(padded, u, "BTC"), amount: "0.0002" })
      const [r] = await ok<Array<{ amount: string }>>(padded, "depositList", { ids: String(d.id) })
      expect(r.amount).toBe("0.0002000000000000")
    } finally {
      await padded.stop()
    }
  })
})

describe("request time window (off by default, §1.6)", () => {
  it("when enabled, refuses a request whose time is outside the window with 100004", async () => {
    const strict = await startTestSim({ enforceTimeWindowMs: 60_000, startTime: Date.now() })
    try {
      expect(await codeOf(strict, "registerEmail", { email: "now@shop.test", time: Date.now() })).toBe("0")
      expect(await codeOf(strict, "registerEmail", { email: "old@shop.test", time: "123" })).toBe("100004")
      expect(await codeOf(strict, "registerEmail", { email: "future@shop.test", time: Date.now() + 3_600_000 })).toBe("100004")
    } finally {
      await strict.stop()
    }
    // the shared simulator has no window: a sample-style "123" passes
    expect(await codeOf(sim, "registerEmail", { email: "ancient@shop.test", time: "123" })).toBe("0")
  })
})
