import { openNotification, sealConfirmationAnswer, WAAS_ENDPOINTS } from "../../src/protocol"
import type { WaasSimulator } from ".."
import {
  addressOf,
  APP_ID,
  call,
  codeOf,
  decryptForm,
  endpointUrl,
  merchant,
  newUser,
  ok,
  startReceiver,
  startTestSim,
  type Receiver,
} from "./helpers"

/** Fault injection, observed from the outside: over HTTP for WaaS endpoints, at the receiver for callbacks. */
const MIN = 60_000
let receiver: Receiver
let sim: WaasSimulator

beforeAll(async () => {
  receiver = await startReceiver((r) => {
    if (r.path.endsWith("/confirm")) {
      const req = decryptForm<{ check_sum: string }>(r, sim.walletPublicKey)
      return { body: sealConfirmationAnswer(req.check_sum, merchant.privateKey, "envelope").body, delayMs: slowConfirm }
    }
    return { body: "SUCCESS" }
  })
  sim = await startTestSim({ autoCollect: false }, { notifyUrl: `${receiver.url}/notify`, confirmUrl: `${receiver.url}/confirm` })
})
afterAll(async () => {
  await sim.stop()
  await receiver.close()
})
afterEach(() => {
  sim.control.clearFaults()
  slowConfirm = 0
})
let slowConfirm = 0

const notifies = () => receiver.received.filter((r) => r.path.endsWith("/notify"))

async function finalDeposit(amount = "1.5"): Promise<number> {
  const uid = await newUser(sim)
  const d = sim.control.chainDeposit({ address: await addressOf(sim, uid, "BTC"), amount })
  sim.control.confirmDeposit(d.id, 2)
  return d.id
}

describe("WaaS endpoint faults", () => {
  it("plaintextError answers an unencrypted {code,msg} the given number of times", async () => {
    sim.control.setFaults({ endpoints: { userInfo: { plaintextError: { code: "100007", msg: "illegal IP", times: 1 } } } })
    const a = await call(sim, "userInfo", { email: "a@b.cd" })
    expect(a.outer).toEqual({ code: "100007", msg: "illegal IP" })
    expect((await call(sim, "userInfo", { email: "a@b.cd" })).inner?.code).toBe("110065")
  })

  it("httpStatus answers 5xx N times, then the endpoint works again; other endpoints are untouched", async () => {
    sim.control.setFaults({ endpoints: { getCoinList: { httpStatus: { status: 502, times: 2 } } } })
    expect((await call(sim, "getCoinList", {})).httpStatus).toBe(502)
    expect((await call(sim, "userInfo", { email: "a@b.cd" })).httpStatus).toBe(200)
    expect((await call(sim, "getCoinList", {})).httpStatus).toBe(502)
    expect((await call(sim, "getCoinList", {})).inner?.code).toBe("0")
  })

  it("'*' applies to every endpoint until cleared", async () => {
    sim.control.setFaults({ endpoints: { "*": { httpStatus: {} } } })
    expect((await call(sim, "getCoinList", {})).httpStatus).toBe(503)
    expect((await call(sim, "syncDepositList", { max_id: 0 })).httpStatus).toBe(503)
    sim.control.setFaults({ endpoints: { "*": null } })
    expect((await call(sim, "getCoinList", {})).httpStatus).toBe(200)
  })

  it("hang (before) drops the connection after ms and executes nothing", async () => {
    sim.control.setFaults({ endpoints: { registerEmail: { hang: { ms: 150, times: 1 } } } })
    const t0 = Date.now()
    await expect(call(sim, "registerEmail", { email: "hung@shop.test" })).rejects.toThrow()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140)
    expect(await codeOf(sim, "userInfo", { email: "hung@shop.test" })).toBe("110065")
  })

  it("hang (after) executes the call and loses the answer: the withdrawal exists although the client saw a failure", async () => {
    const uid = await newUser(sim)
    sim.control.fund(uid, "ETH", "5")
    sim.control.setFaults({ endpoints: { withdraw: { hang: { ms: 100, phase: "after", times: 1 } } } })
    const w = { request_id: "lost-answer", from_uid: uid, to_address: "0x00000000000000000000000000000000000000bb", amount: "1", symbol: "ETH" }
    await expect(call(sim, "withdraw", w)).rejects.toThrow()
    const [rec] = await ok<Array<{ request_id: string; status: number }>>(sim, "withdrawList", { ids: "lost-answer" })
    expect(rec).toMatchObject({ request_id: "lost-answer", status: 0 })
    expect(await codeOf(sim, "withdraw", w)).toBe("110088")
  })

  it("hang without ms holds the request until the client gives up", async () => {
    sim.control.setFaults({ endpoints: { getCoinList: { hang: { times: 1 } } } })
    await expect(call(sim, "getCoinList", {}, { signal: AbortSignal.timeout(200) })).rejects.toThrow()
    expect((await call(sim, "getCoinList", {})).inner?.code).toBe("0")
  })

  it("delay answers normally, late: the call is executed after the wait, and once (times) only", async () => {
    sim.control.setFaults({ endpoints: { registerEmail: { delay: { ms: 2_000, times: 1 } } } })
    const late = call(sim, "registerEmail", { email: "late@shop.test" })
    // while it waits nothing has happened yet
    expect(await codeOf(sim, "userInfo", { email: "late@shop.test" })).toBe("110065")
    expect((await late).inner?.code).toBe("0")
    expect(await codeOf(sim, "userInfo", { email: "late@shop.test" })).toBe("0")
    expect(sim.control.getFaults()).toEqual({})
  })

  it("delay: a client that gives up while it waits leaves nothing executed", async () => {
    sim.control.setFaults({ endpoints: { registerEmail: { delay: { ms: 60_000 } } } })
    await expect(call(sim, "registerEmail", { email: "gave-up@shop.test" }, { signal: AbortSignal.timeout(200) })).rejects.toThrow()
    sim.control.setFaults({ endpoints: { registerEmail: null } })
    expect(await codeOf(sim, "userInfo", { email: "gave-up@shop.test" })).toBe("110065")
  })

  it("malformedAmounts writes decimal commas into the response, which the protocol schema rejects", async () => {
    const uid = await newUser(sim)
    const d = sim.control.chainDeposit({ address: await addressOf(sim, uid, "TRX"), amount: "7.25" })
    sim.control.confirmDeposit(d.id, 20)
    sim.control.setFaults({ endpoints: { getByUidAndSymbol: { malformedAmounts: { times: 1 } }, depositList: { malformedAmounts: {} } } })
    const bal = await ok<Record<string, string>>(sim, "getByUidAndSymbol", { uid, symbol: "TRX" })
    expect(bal).toMatchObject({ normal_balance: "7,25", lock_balance: "0,0" })
    expect(WAAS_ENDPOINTS.getByUidAndSymbol.data.safeParse(bal).success).toBe(false)
    const list = await ok<Array<{ amount: string }>>(sim, "depositList", { ids: String(d.id) })
    expect(list[0].amount).toBe("7,25")
    expect(await ok(sim, "getByUidAndSymbol", { uid, symbol: "TRX" })).toMatchObject({ normal_balance: "7.25" })
  })

  it("patchRecords rewrites only the named records of a list answer, and counts only answers it changed", async () => {
    const uid = await newUser(sim)
    const address = await addressOf(sim, uid, "TRX")
    const [a, b] = [sim.control.chainDeposit({ address, amount: "1.5" }), sim.control.chainDeposit({ address, amount: "2" })]
    for (const d of [a, b]) sim.control.confirmDeposit(d.id, 20)
    sim.control.setFaults({ endpoints: { "*": { patchRecords: { ids: [b.id], set: { status: 3, amount: "2,0" }, times: 1 } } } })
    expect(await ok<Array<{ id: number }>>(sim, "depositList", { ids: String(a.id) })).toEqual([expect.objectContaining({ id: a.id, status: 1 })])
    const synced = await ok<Array<{ id: number; status: number; amount: string }>>(sim, "syncDepositList", { max_id: a.id - 1 })
    expect(synced.map((r) => [r.id, r.status, r.amount])).toEqual([
      [a.id, 1, "1.5"],
      [b.id, 3, "2,0"],
    ])
    expect(sim.control.getFaults()).toEqual({})
    expect(await ok<Array<{ status: number }>>(sim, "depositList", { ids: String(b.id) })).toEqual([expect.objectContaining({ status: 1, amount: "2" })])
  })

  it("garbage answers HTTP 200 with a body that is not JSON", async () => {
    sim.control.setFaults({ endpoints: { getCoinList: { garbage: { times: 1 } } } })
    const res = await fetch(endpointUrl(sim, "getCoinList"), { method: "POST", body: "app_id=x&data=y" })
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(() => JSON.parse(text)).toThrow()
  })
})

describe("notification faults", () => {
  // notification faults count every send: let earlier tests' notifications finish first
  beforeEach(() => sim.clock.advance(24 * 60 * MIN))

  it("drop: the next N sends are not made but count as failed attempts; the schedule continues", async () => {
    const id = await finalDeposit()
    sim.control.setFaults({ notify: { drop: { times: 2 } } })
    const before = notifies().length
    await sim.clock.advance(24 * 60 * MIN)
    const log = sim.control.deliveries().filter((e) => e.recordId === id && e.side === "deposit")
    expect(log.map((e) => [e.attempt, e.dropped, e.acknowledged])).toEqual([
      [1, true, false],
      [2, true, false],
      [3, false, true],
    ])
    expect(notifies().length).toBe(before + 1)
  })

  it("duplicate: each send goes out k times concurrently", async () => {
    const id = await finalDeposit()
    sim.control.setFaults({ notify: { duplicate: { copies: 3, times: 1 } } })
    const before = notifies().length
    await sim.clock.advance(1000)
    const got = notifies().slice(before)
    expect(got).toHaveLength(3)
    expect(new Set(got.map((r) => r.form.data)).size).toBe(1)
    expect(sim.control.deliveries().filter((e) => e.recordId === id && e.side === "deposit").map((e) => [e.attempt, e.copy])).toEqual([
      [1, 0],
      [1, 1],
      [1, 2],
    ])
  })

  it("delay: a send happens the given simulator ms later", async () => {
    sim.control.setFaults({ notify: { delay: { ms: 5000, times: 1 } } })
    const id = await finalDeposit()
    const at = sim.clock.now()
    await sim.clock.advance(5999)
    expect(sim.control.deliveries().filter((e) => e.recordId === id && e.side === "deposit")).toHaveLength(0)
    await sim.clock.advance(1)
    expect(sim.control.deliveries().filter((e) => e.recordId === id && e.side === "deposit").map((e) => e.at - at)).toEqual([6000])
  })

  it("reorder: sends are held until flushed, then delivered in reverse order", async () => {
    sim.control.setFaults({ notify: { reorder: { mode: "reverse" } } })
    const ids = [await finalDeposit(), await finalDeposit(), await finalDeposit()]
    const before = notifies().length
    await sim.clock.advance(10 * MIN)
    expect(notifies().length).toBe(before)
    expect(sim.control.notifications().filter((n) => ids.includes(n.recordId) && n.side === "deposit").every((n) => n.held)).toBe(true)
    expect(await sim.control.flushNotifications()).toBe(3)
    const order = notifies().slice(before).map((r) => Number(decryptForm<{ id: string }>(r, sim.walletPublicKey).id))
    expect(order).toEqual([...ids].reverse())
  })

  it("malformedAmount: the callback carries a decimal comma, which the plugin's parser refuses", async () => {
    sim.control.setFaults({ notify: { malformedAmount: { times: 1 } } })
    await finalDeposit("0.5")
    const before = notifies().length
    await sim.clock.advance(1000)
    const r = notifies()[before]
    expect(decryptForm<{ amount: string }>(r, sim.walletPublicKey).amount).toBe("0,5")
    expect(() => openNotification(r.form, { appId: APP_ID, waasPublicKey: sim.walletPublicKey })).toThrow(/amount/)
  })
})

describe("second-confirmation faults", () => {
  async function payer(): Promise<number> {
    const uid = await newUser(sim)
    sim.control.fund(uid, "ETH", "10")
    return uid
  }
  const confirms = () => receiver.received.filter((r) => r.path.endsWith("/confirm")).length

  it("fail: refused with 120206 without calling the merchant", async () => {
    const uid = await payer()
    sim.control.setFaults({ confirm: { fail: { times: 1 } } })
    const n = confirms()
    expect(await codeOf(sim, "withdraw", { request_id: "cf-1", from_uid: uid, to_address: "0x00000000000000000000000000000000000000cc", amount: "1", symbol: "ETH" })).toBe("120206")
    expect(confirms()).toBe(n)
    expect(await codeOf(sim, "withdraw", { request_id: "cf-1", from_uid: uid, to_address: "0x00000000000000000000000000000000000000cc", amount: "1", symbol: "ETH" })).toBe("0")
  })

  it("timeoutMs: a merchant slower than the override is a timeout (120206)", async () => {
    const uid = await payer()
    slowConfirm = 400
    sim.control.setFaults({ confirm: { timeoutMs: 100 } })
    expect(await codeOf(sim, "withdraw", { request_id: "ct-1", from_uid: uid, to_address: "0x00000000000000000000000000000000000000cc", amount: "1", symbol: "ETH" })).toBe("120206")
    expect(sim.control.confirmations().at(-1)).toMatchObject({ requestId: "ct-1", outcome: "timeout" })
  })

  it("delay: waits before calling; within the timeout the withdrawal still goes through, beyond it no call is made", async () => {
    const uid = await payer()
    sim.control.setFaults({ confirm: { delay: { ms: 120, times: 1 } } })
    const t0 = Date.now()
    expect(await codeOf(sim, "withdraw", { request_id: "cd-1", from_uid: uid, to_address: "0x00000000000000000000000000000000000000cc", amount: "1", symbol: "ETH" })).toBe("0")
    expect(Date.now() - t0).toBeGreaterThanOrEqual(115)
    sim.control.setFaults({ confirm: { delay: { ms: 300, times: 1 }, timeoutMs: 100 } })
    const n = confirms()
    expect(await codeOf(sim, "withdraw", { request_id: "cd-2", from_uid: uid, to_address: "0x00000000000000000000000000000000000000cc", amount: "1", symbol: "ETH" })).toBe("120206")
    expect(confirms()).toBe(n)
  })
})
