import { openNotification } from "../../src/protocol"
import { isAcknowledgement, type WaasSimulator } from ".."
import { addressOf, APP_ID, decryptForm, newUser, startReceiver, startTestSim, type Receiver, type Reply } from "./helpers"

/** Deposit notifications over real HTTP against a tiny merchant receiver, on the manual clock. */
const MIN = 60_000

let receiver: Receiver
/** what the receiver answers, per deposit id (default: SUCCESS) */
const replies = new Map<string, Reply | (() => Reply)>()
let sim: WaasSimulator

beforeAll(async () => {
  receiver = await startReceiver((r) => {
    const payload = decryptForm<{ id: string }>(r, sim.walletPublicKey)
    const reply = replies.get(payload.id) ?? { body: "SUCCESS" }
    return typeof reply === "function" ? reply() : reply
  })
  sim = await startTestSim({ autoCollect: false }, { notifyUrl: receiver.url })
})
afterAll(async () => {
  await sim.stop()
  await receiver.close()
})

async function finalDeposit(s: WaasSimulator, amount = "1.5", symbol = "ETH"): Promise<{ id: number; at: number }> {
  const uid = await newUser(s)
  const d = s.control.chainDeposit({ address: await addressOf(s, uid, symbol), amount })
  const done = s.control.confirmDeposit(d.id, d.requiredConfirmations)
  return { id: done.id, at: s.clock.now() }
}

const sentFor = (s: WaasSimulator, id: number) => s.control.deliveries().filter((e) => e.side === "deposit" && e.recordId === id)

describe("deposit notification", () => {
  it("is sent 1 s after the deposit becomes final, as form app_id+data that the plugin's parser accepts", async () => {
    const { id, at } = await finalDeposit(sim, "1.5")
    const before = receiver.received.length
    await sim.clock.advance(999)
    expect(receiver.received.length).toBe(before)
    await sim.clock.advance(1)
    expect(receiver.received.length).toBe(before + 1)
    const r = receiver.received[before]
    expect(r.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/)
    expect(Object.keys(r.form).sort()).toEqual(["app_id", "data"])
    expect(r.form.app_id).toBe(APP_ID)
    const n = openNotification(r.form, { appId: APP_ID, waasPublicKey: sim.walletPublicKey })
    expect(n).toMatchObject({ side: "deposit", id, symbol: "ETH", amount: "1.5", status: 1, confirmations: 12 })

    const raw = decryptForm<Record<string, unknown>>(r, sim.walletPublicKey)
    // the key set of the real captured callback; every value a string
    expect(Object.keys(raw).sort()).toEqual(
      [
        "address_to", "amount", "app_id", "charset", "confirmations", "created_at", "fee_symbol", "id", "notify_time", "real_fee",
        "side", "sign", "status", "symbol", "time", "txid", "uid", "updated_at", "version", "withdraw_fee", "withdraw_fee_symbol",
      ].sort()
    )
    expect(Object.values(raw).every((v) => typeof v === "string")).toBe(true)
    expect(raw).toMatchObject({ version: "2.0", charset: "utf-8", notify_time: String(at + 1000), time: String(at + 1000) })
    // YYYY-MM-DD HH:mm:ss in UTC+8: the test clock started at 2025-01-15 04:00:00 UTC
    expect(raw.created_at).toBe("2025-01-15 12:00:00")
    expect(sentFor(sim, id)).toMatchObject([{ attempt: 1, acknowledged: true, responseStatus: 200, responseBody: "SUCCESS", at: at + 1000 }])
  })

  it("is not sent for non-final statuses by default (pending confirmations, KYT review)", async () => {
    const uid = await newUser(sim)
    const address = await addressOf(sim, uid, "ETH")
    const pending = sim.control.chainDeposit({ address, amount: "1" })
    sim.control.confirmDeposit(pending.id, 5)
    const risky = sim.control.chainDeposit({ address, amount: "2", kyt: "risk" })
    expect(sim.control.confirmDeposit(risky.id, 12).status).toBe(5)
    await sim.clock.advance(10 * MIN)
    expect(sentFor(sim, pending.id)).toEqual([])
    expect(sentFor(sim, risky.id)).toEqual([])
    sim.control.releaseKyt(risky.id, "pass")
    await sim.clock.advance(1000)
    expect(sentFor(sim, risky.id).map((e) => e.payload.status)).toEqual(["1"])
    sim.control.failDeposit(pending.id)
    await sim.clock.advance(1000)
    expect(sentFor(sim, pending.id).map((e) => e.payload.status)).toEqual(["2"])
  })

  it("with notifyNonFinal, every change is sent too", async () => {
    const r = await startReceiver(() => ({ body: "SUCCESS" }))
    const chatty = await startTestSim({ notifyNonFinal: true }, { notifyUrl: r.url })
    try {
      const uid = await newUser(chatty)
      const d = chatty.control.chainDeposit({ address: await addressOf(chatty, uid, "BTC"), amount: "0.1" })
      chatty.control.confirmDeposit(d.id)
      chatty.control.confirmDeposit(d.id)
      await chatty.clock.advance(1000)
      const seen = r.received.map((x) => decryptForm<{ status: string; confirmations: string }>(x, chatty.walletPublicKey))
      expect(seen.map((p) => `${p.status}/${p.confirmations}`).sort()).toEqual(["0/0", "0/1", "1/2"])
    } finally {
      await chatty.stop()
      await r.close()
    }
  })
})

describe("acknowledgement", () => {
  it("isAcknowledgement: HTTP 200 and exactly SUCCESS after trimming whitespace", () => {
    expect(isAcknowledgement(200, "SUCCESS")).toBe(true)
    expect(isAcknowledgement(200, "SUCCESS\n")).toBe(true)
    expect(isAcknowledgement(200, " \r\nSUCCESS\t ")).toBe(true)
    for (const body of ["success", "Success", '"SUCCESS"', "SUCCESS!", "SUCCESS SUCCESS", "FAILURE", '{"code":0}', ""]) {
      expect(isAcknowledgement(200, body)).toBe(false)
    }
    expect(isAcknowledgement(500, "SUCCESS")).toBe(false)
    expect(isAcknowledgement(201, "SUCCESS")).toBe(false)
    expect(isAcknowledgement(204, "SUCCESS")).toBe(false)
  })

  const cases: Array<[string, boolean, Reply]> = [
    ["SUCCESS", true, { body: "SUCCESS" }],
    ["SUCCESS with a trailing newline (trimmed)", true, { body: "SUCCESS\n" }],
    ["lowercase success", false, { body: "success" }],
    ["quoted SUCCESS", false, { body: '"SUCCESS"', contentType: "application/json" }],
    ["SUCCESS!", false, { body: "SUCCESS!" }],
    ["HTTP 500 with SUCCESS", false, { status: 500, body: "SUCCESS" }],
    ["JSON {code:0}", false, { body: '{"code":0}', contentType: "application/json" }],
  ]
  it.each(cases)("over HTTP: %s → acknowledged: %s", async (_, acked, reply) => {
    const { id } = await finalDeposit(sim)
    replies.set(String(id), reply)
    await sim.clock.advance(1000)
    const [first] = sentFor(sim, id)
    expect(first.acknowledged).toBe(acked)
    const view = sim.control.notifications().find((n) => n.recordId === id && n.side === "deposit")
    expect(view?.acknowledged).toBe(acked)
    // an unacknowledged notification has its next send planned 2 minutes later
    expect(view?.nextAttemptAt).toBe(acked ? undefined : first.at + 2 * MIN)
  })
})

describe("retry schedule", () => {
  it("sends at most 5 times: +1 s, then 2, 8, 32 and 128 min after each previous send, then never again", async () => {
    const { id, at } = await finalDeposit(sim)
    replies.set(String(id), { status: 500, body: "FAILURE" })
    await sim.clock.advance(24 * 60 * MIN)
    const sends = sentFor(sim, id)
    expect(sends.map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5])
    expect(sends.map((e) => e.at - at)).toEqual([1000, 1000 + 2 * MIN, 1000 + 10 * MIN, 1000 + 42 * MIN, 1000 + 170 * MIN])
    expect(sends.every((e) => e.responseStatus === 500 && !e.acknowledged)).toBe(true)
    // each send carries its own notify_time
    expect(sends.map((e) => Number(e.payload.notify_time) - at)).toEqual(sends.map((e) => e.at - at))
    const view = sim.control.notifications().find((n) => n.recordId === id)
    expect(view).toMatchObject({ attempts: 5, acknowledged: false, givenUp: true, nextAttemptAt: undefined })
    await sim.clock.advance(7 * 24 * 60 * MIN)
    expect(sentFor(sim, id)).toHaveLength(5)
  })

  it("stops as soon as a send is acknowledged", async () => {
    const { id, at } = await finalDeposit(sim)
    let n = 0
    replies.set(String(id), () => ({ body: ++n >= 3 ? "SUCCESS" : "FAILURE" }))
    await sim.clock.advance(24 * 60 * MIN)
    expect(sentFor(sim, id).map((e) => [e.attempt, e.at - at, e.acknowledged])).toEqual([
      [1, 1000, false],
      [2, 1000 + 2 * MIN, false],
      [3, 1000 + 10 * MIN, true],
    ])
  })

  it("counts network failures and timeouts as failed sends", async () => {
    const slow = await startReceiver(() => ({ body: "SUCCESS", delayMs: 2000 }))
    const s = await startTestSim({ notifyTimeoutMs: 150 }, { notifyUrl: slow.url })
    try {
      const { id } = await finalDeposit(s)
      await s.clock.advance(1000)
      const [first] = sentFor(s, id)
      expect(first.acknowledged).toBe(false)
      expect(first.error).toMatch(/150 ms/)
      s.control.addMerchant({ appId: APP_ID, merchantPublicKey: s.control.getState().merchants[0].merchantPublicKey, notifyUrl: "http://127.0.0.1:1/closed" })
      await s.clock.advance(2 * MIN)
      expect(sentFor(s, id)[1]).toMatchObject({ attempt: 2, acknowledged: false, url: "http://127.0.0.1:1/closed" })
      expect(sentFor(s, id)[1].error).toBeTruthy()
    } finally {
      await s.stop()
      await slow.close()
    }
  })

  it("without a notifyUrl the sends are logged as failures", async () => {
    const s = await startTestSim()
    try {
      const { id } = await finalDeposit(s)
      await s.clock.advance(1000)
      expect(sentFor(s, id)).toMatchObject([{ attempt: 1, acknowledged: false, error: "no notifyUrl configured" }])
    } finally {
      await s.stop()
    }
  })
})

describe("redeliver", () => {
  it("sends again now, continues the attempt count, and an acknowledgement ends the schedule", async () => {
    const { id } = await finalDeposit(sim)
    replies.set(String(id), { body: "FAILURE" })
    await sim.clock.advance(1000)
    const view = sim.control.notifications().find((n) => n.recordId === id && n.side === "deposit")
    expect(view?.nextAttemptAt).toBeDefined()
    replies.set(String(id), { body: "SUCCESS" })
    const again = await sim.control.redeliver(view?.id as string)
    expect(again).toMatchObject({ attempt: 2, manual: true, acknowledged: true })
    expect(sim.control.notifications().find((n) => n.id === view?.id)).toMatchObject({ acknowledged: true, nextAttemptAt: undefined })
    await sim.clock.advance(24 * 60 * MIN)
    expect(sentFor(sim, id)).toHaveLength(2)
    await expect(sim.control.redeliver("ntf_nope")).rejects.toMatchObject({ status: 404 })
  })
})
