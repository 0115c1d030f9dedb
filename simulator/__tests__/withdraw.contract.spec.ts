import {
  encryptEnvelope,
  formatDecimal,
  generateWaasKeyPair,
  openConfirmationRequest,
  openNotification,
  parseDecimal,
  sealConfirmationAnswer,
  WAAS_ENDPOINTS,
  type WithdrawConfirmationRequest,
} from "../../src/protocol"
import type { WaasSimulator } from ".."
import {
  addressOf,
  APP_ID,
  call,
  codeOf,
  decryptForm,
  merchant,
  newUser,
  ok,
  startReceiver,
  startTestSim,
  type Receiver,
  type Reply,
} from "./helpers"

/**
 * /billing/withdraw with the synchronous second confirmation (§3.4) against a tiny merchant, then the withdrawal
 * driven through its statuses with notifications (§3.2).
 */
const EXTERNAL = "0x00000000000000000000000000000000000000aa"
const stranger = generateWaasKeyPair()

let receiver: Receiver
let answer: (req: WithdrawConfirmationRequest) => Reply
let sim: WaasSimulator
let payer: number

beforeAll(async () => {
  receiver = await startReceiver((r) => {
    if (r.path.endsWith("/confirm")) return answer(openConfirmationRequest(r.form, { appId: APP_ID, waasPublicKey: sim.walletPublicKey }))
    return { body: "SUCCESS" }
  })
  sim = await startTestSim(
    { autoCollect: false },
    { notifyUrl: `${receiver.url}/notify`, confirmUrl: `${receiver.url}/confirm`, confirmAnswerTimeoutMs: 400 }
  )
  payer = await newUser(sim, "payer@shop.test")
  sim.control.fund(payer, "ETH", "100")
  sim.control.fund(payer, "USDTERC20", "1000")
})
afterAll(async () => {
  await sim.stop()
  await receiver.close()
})
beforeEach(() => {
  answer = (req) => {
    const sealed = sealConfirmationAnswer(req.check_sum, merchant.privateKey, "envelope")
    return { body: sealed.body, contentType: sealed.contentType }
  }
})

let seq = 0
const rid = (): string => `wd-${++seq}`
const withdraw = (fields: Record<string, unknown>) =>
  call(sim, "withdraw", { request_id: rid(), from_uid: payer, to_address: EXTERNAL, amount: "1", symbol: "ETH", ...fields })
const confirmCalls = () => receiver.received.filter((r) => r.path.endsWith("/confirm"))
const balance = (uid: number, symbol: string) => ok<{ normal_balance: string; lock_balance: string }>(sim, "getByUidAndSymbol", { uid, symbol })

/** nothing was created for this request_id: no record, balance and lock untouched */
async function expectNothingCreated(requestId: string, before: { normal_balance: string; lock_balance: string }): Promise<void> {
  expect(await ok(sim, "withdrawList", { ids: requestId })).toEqual([])
  expect(sim.control.getState().withdrawals.find((w) => w.requestId === requestId)).toBeUndefined()
  expect(await balance(payer, "ETH")).toEqual(before)
}

describe("second confirmation", () => {
  it("posts the documented fields, and an enveloped answer with the same check_sum approves", async () => {
    const requestId = rid()
    const n = confirmCalls().length
    const a = await call(sim, "withdraw", { request_id: requestId, from_uid: String(payer), to_address: EXTERNAL, amount: "2.50", symbol: "ETH" })
    expect(a.inner?.code).toBe("0")
    expect(Object.keys(a.inner?.data as object)).toEqual(["withdraw_type", "id", "status"])
    expect(WAAS_ENDPOINTS.withdraw.data.parse(a.inner?.data)).toMatchObject({ withdraw_type: 1, status: 0 })

    const calls = confirmCalls()
    expect(calls).toHaveLength(n + 1)
    expect(calls[n].form.app_id).toBe(APP_ID)
    const raw = decryptForm<Record<string, unknown>>(calls[n], sim.walletPublicKey)
    expect(Object.keys(raw)).toEqual(["time", "charset", "version", "request_id", "from_uid", "to_address", "amount", "symbol", "check_sum"])
    expect(raw).toMatchObject({ request_id: requestId, from_uid: String(payer), to_address: EXTERNAL, amount: "2.50", symbol: "ETH" })
    expect(typeof raw.time).toBe("number")
    expect(raw.check_sum).toMatch(/^[0-9a-f]{32}$/)

    const [rec] = await ok<Array<Record<string, unknown>>>(sim, "withdrawList", { ids: requestId })
    expect(rec).toMatchObject({ request_id: requestId, uid: payer, amount: "2.5", status: 0, withdraw_fee: "0.002", withdraw_fee_symbol: "ETH", fee_symbol: "ETH", txid: "" })
    expect(sim.control.confirmations().at(-1)).toMatchObject({ requestId, outcome: "approved" })
  })

  it("accepts the bare cipher string as the answer", async () => {
    answer = (req) => ({ body: sealConfirmationAnswer(req.check_sum, merchant.privateKey, "bare").body })
    expect((await withdraw({})).inner?.code).toBe("0")
  })

  it("accepts the Java SDK's answer: the whole decrypted request re-encrypted", async () => {
    answer = (req) => ({ body: encryptEnvelope(JSON.stringify(req), merchant.privateKey) })
    expect((await withdraw({})).inner?.code).toBe("0")
  })

  const refusals: Array<[string, (req: WithdrawConfirmationRequest) => Reply]> = [
    ["a wrong check_sum", (req) => ({ body: sealConfirmationAnswer(req.check_sum + "0", merchant.privateKey, "envelope").body })],
    ["an answer signed with another key", (req) => ({ body: sealConfirmationAnswer(req.check_sum, stranger.privateKey, "envelope").body })],
    ["plain FAILURE", () => ({ body: "FAILURE" })],
    ["plain SUCCESS", () => ({ body: "SUCCESS" })],
    ["HTTP 500 around a valid answer", (req) => ({ status: 500, body: sealConfirmationAnswer(req.check_sum, merchant.privateKey, "envelope").body })],
    ["JSON without data", (req) => ({ body: JSON.stringify({ check_sum: req.check_sum }) })],
    ["an empty body", () => ({ body: "" })],
  ]
  it.each(refusals)("refuses %s with 120206 and creates nothing", async (_, reply) => {
    answer = reply
    const before = await balance(payer, "ETH")
    const requestId = rid()
    const a = await call(sim, "withdraw", { request_id: requestId, from_uid: payer, to_address: EXTERNAL, amount: "1", symbol: "ETH" })
    expect(a.inner?.code).toBe("120206")
    await expectNothingCreated(requestId, before)
    expect(sim.control.confirmations().at(-1)).toMatchObject({ requestId, outcome: "rejected" })
  })

  it("gives up on a slow merchant at confirmAnswerTimeoutMs with 120206, and the request_id stays usable", async () => {
    answer = (req) => ({ body: sealConfirmationAnswer(req.check_sum, merchant.privateKey, "envelope").body, delayMs: 1500 })
    const before = await balance(payer, "ETH")
    const requestId = rid()
    const t0 = Date.now()
    const a = await call(sim, "withdraw", { request_id: requestId, from_uid: payer, to_address: EXTERNAL, amount: "1", symbol: "ETH" })
    const took = Date.now() - t0
    expect(a.inner?.code).toBe("120206")
    expect(took).toBeGreaterThanOrEqual(380)
    expect(took).toBeLessThan(1400)
    expect(sim.control.confirmations().at(-1)).toMatchObject({ requestId, outcome: "timeout" })
    await expectNothingCreated(requestId, before)
    answer = (req) => ({ body: sealConfirmationAnswer(req.check_sum, merchant.privateKey, "envelope").body })
    expect(await codeOf(sim, "withdraw", { request_id: requestId, from_uid: payer, to_address: EXTERNAL, amount: "1", symbol: "ETH" })).toBe("0")
  })

  it("answers 110088 to a second call with the same request_id while the first is still being confirmed", async () => {
    answer = (req) => ({ body: sealConfirmationAnswer(req.check_sum, merchant.privateKey, "envelope").body, delayMs: 150 })
    const fields = { request_id: rid(), from_uid: payer, to_address: EXTERNAL, amount: "1", symbol: "ETH" }
    const [first, second] = await Promise.all([call(sim, "withdraw", fields), new Promise((r) => setTimeout(r, 30)).then(() => call(sim, "withdraw", fields))])
    expect([first.inner?.code, second.inner?.code]).toEqual(["0", "110088"])
    expect(await codeOf(sim, "withdraw", fields)).toBe("110088")
  })

  it("approves without a call when the merchant has no confirmUrl (documented convenience)", async () => {
    const bare = await startTestSim()
    try {
      const uid = await newUser(bare)
      bare.control.fund(uid, "BTC", "1")
      expect(await codeOf(bare, "withdraw", { request_id: "x1", from_uid: uid, to_address: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", amount: "0.5", symbol: "BTC" })).toBe("0")
      expect(bare.control.confirmations()).toMatchObject([{ outcome: "skipped" }])
    } finally {
      await bare.stop()
    }
  })
})

describe("validation", () => {
  it("answers each documented code and never calls the merchant for an invalid request", async () => {
    const n = confirmCalls().length
    const poor = await newUser(sim)
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ from_uid: 1 }, "110065"],
      [{ symbol: "DOGE" }, "120202"],
      [{ to_address: "0xnothex" }, "110055"],
      [{ to_address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t" }, "110055"],
      [{ amount: "1.0000000000000000001" }, "110161"],
      [{ amount: "1.0000001", symbol: "USDTERC20" }, "110161"],
      [{ amount: "0.001" }, "110078"],
      [{ amount: "5000" }, "110087"],
      [{ amount: "10", symbol: "USDTERC20", from_uid: poor }, "120402"],
      [{ amount: "1000.5" }, "110087"],
      [{ amount: "100.001" }, "120402"],
      [{ amount: "1,5" }, "100004"],
      [{ amount: 1.5 }, "100004"],
      [{ request_id: "" }, "100004"],
      [{ request_id: "x".repeat(65) }, "100004"],
      [{ to_address: undefined }, "100004"],
    ]
    for (const [fields, code] of cases) {
      const a = await withdraw(fields)
      expect([JSON.stringify(fields), a.inner?.code]).toEqual([JSON.stringify(fields), code])
    }
    expect(confirmCalls()).toHaveLength(n)
  })

  it("120404 when the amount does not exceed the withdrawal fee", async () => {
    const s = await startTestSim({ coins: [{ symbol: "TRX", name: "TRON", decimals: 6, baseSymbol: "TRX", depositConfirmation: 1, addressFamily: "tron", addressRegex: "^T[1-9A-HJ-NP-Za-km-z]{33}$", model: "account", withdrawFee: "5", minWithdraw: "1", maxWithdraw: "100", networkFee: "1" }] })
    try {
      const uid = await newUser(s)
      s.control.fund(uid, "TRX", "50")
      const base = { from_uid: uid, to_address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", symbol: "TRX" }
      expect(await codeOf(s, "withdraw", { ...base, request_id: "a", amount: "5" })).toBe("120404")
      expect(await codeOf(s, "withdraw", { ...base, request_id: "b", amount: "5.000001" })).toBe("0")
    } finally {
      await s.stop()
    }
  })
})

describe("withdrawal lifecycle", () => {
  const notificationsFor = (id: number) =>
    sim.control.deliveries().filter((e) => e.side === "withdraw" && e.recordId === id && e.acknowledged)
  /** the notification the merchant received, read with the plugin's own parser */
  const withdrawNotification = (id: number) =>
    receiver.received
      .filter((r) => r.path.endsWith("/notify"))
      .map((r) => openNotification(r.form, { appId: APP_ID, waasPublicKey: sim.walletPublicKey }))
      .find((n) => n.side === "withdraw" && n.id === id)

  it("locks the amount, walks 0 → 1 → 3 → 5 on command, notifies only the final state, and spends the lock", async () => {
    const before = await balance(payer, "USDTERC20")
    const requestId = rid()
    const { id } = await ok<{ id: number }>(sim, "withdraw", { request_id: requestId, from_uid: payer, to_address: EXTERNAL, amount: "25", symbol: "USDTERC20" })
    const locked = await balance(payer, "USDTERC20")
    expect(locked.lock_balance).toBe("25")
    expect(formatDecimal(parseDecimal(before.normal_balance).minus(25))).toBe(locked.normal_balance)

    const done = sim.control.setWithdrawalOutcome(requestId, 5, { txid: "0xdeadbeef", realFee: "0.0011" })
    expect(done).toMatchObject({ status: 5, txid: "0xdeadbeef", realFee: "0.0011" })
    await sim.clock.advance(1000)
    const sent = notificationsFor(id)
    expect(sent).toHaveLength(1)
    const n = withdrawNotification(id)
    expect(n).toMatchObject({
      side: "withdraw",
      id,
      request_id: requestId,
      status: 5,
      amount: "25",
      withdraw_fee: "3",
      withdraw_fee_symbol: "USDTERC20",
      fee_symbol: "ETH",
      real_fee: "0.0011",
      txid: "0xdeadbeef",
      confirmations: 12,
    })
    const [rec] = await ok<Array<Record<string, unknown>>>(sim, "withdrawList", { ids: `nope,${requestId}` })
    expect(rec).toMatchObject({ id, status: 5, saas_status: 1, company_status: 1, txid: "0xdeadbeef", real_fee: "0.0011" })
    expect(rec.address_from).toMatch(/^0x[0-9a-f]{40}$/)
    expect(WAAS_ENDPOINTS.withdrawList.data.parse([rec])).toHaveLength(1)
    expect(await balance(payer, "USDTERC20")).toEqual({ ...locked, lock_balance: "0", deposit_address: expect.any(String) })
  })

  it("returns the amount on failure (status 4) and notifies it", async () => {
    const before = await balance(payer, "ETH")
    const requestId = rid()
    const { id } = await ok<{ id: number }>(sim, "withdraw", { request_id: requestId, from_uid: payer, to_address: EXTERNAL, amount: "3", symbol: "ETH" })
    sim.control.setWithdrawalOutcome(id, 4)
    await sim.clock.advance(1000)
    expect(notificationsFor(id).map((e) => e.payload.status)).toEqual(["4"])
    expect(await balance(payer, "ETH")).toEqual(before)
    expect(() => sim.control.setWithdrawalOutcome(id, 5)).toThrow(/final/)
  })

  it("syncWithdrawList pages ascending by WaaS id", async () => {
    const all = await ok<Array<{ id: number }>>(sim, "syncWithdrawList", { max_id: 0 })
    const ids = all.map((r) => r.id)
    expect(ids.length).toBeGreaterThan(3)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect((await ok<Array<{ id: number }>>(sim, "syncWithdrawList", { max_id: ids[1] })).map((r) => r.id)).toEqual(ids.slice(2))
  })

  it("settles a withdrawal to another simulated user's address at once as withdraw_type 2", async () => {
    const friend = await newUser(sim)
    const to = await addressOf(sim, friend, "ETH")
    const data = await ok<{ withdraw_type: number; status: number }>(sim, "withdraw", { request_id: rid(), from_uid: payer, to_address: to, amount: "4", symbol: "ETH" })
    expect(data).toMatchObject({ withdraw_type: 2, status: 0 })
    expect(await balance(friend, "ETH")).toMatchObject({ normal_balance: "4" })
  })

  it("pays the merchant's payout uid from the company account", async () => {
    const s = await startTestSim({}, { payoutUid: 10001 })
    try {
      const payout = await newUser(s)
      expect(payout).toBe(10001)
      const w = { request_id: "refund-1", from_uid: payout, to_address: EXTERNAL, amount: "15", symbol: "USDTERC20" }
      expect(await codeOf(s, "withdraw", w)).toBe("120402")
      // a shopper pays; auto-collection moves it to the company account, which funds the refund
      const shopper = await newUser(s)
      const d = s.control.chainDeposit({ address: await addressOf(s, shopper, "USDTERC20"), amount: "40", symbol: "USDTERC20" })
      s.control.confirmDeposit(d.id, 12)
      expect(await codeOf(s, "withdraw", w)).toBe("0")
      expect(await ok(s, "getCompanyBySymbol", { symbol: "USDTERC20" })).toEqual({ symbol: "USDTERC20", balance: "25" })
    } finally {
      await s.stop()
    }
  })
})
