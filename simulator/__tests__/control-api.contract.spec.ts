import { generateWaasKeyPair, sealConfirmationAnswer, openConfirmationRequest } from "../../src/protocol"
import type { WaasSimulator } from ".."
import { addressOf, APP_ID, codeOf, merchant, newUser, ok, startReceiver, startTestSim, type Receiver } from "./helpers"

/** The control API over HTTP: auth, validation, and every operation end to end. */
let sim: WaasSimulator
let receiver: Receiver

beforeAll(async () => {
  receiver = await startReceiver((r) => {
    if (r.path.endsWith("/confirm")) {
      const req = openConfirmationRequest(r.form, { appId: APP_ID, waasPublicKey: sim.walletPublicKey })
      return { body: sealConfirmationAnswer(req.check_sum, merchant.privateKey, "envelope").body }
    }
    return { body: "SUCCESS" }
  })
  sim = await startTestSim({ controlToken: "s3cret-token" }, { notifyUrl: `${receiver.url}/notify`, confirmUrl: `${receiver.url}/confirm` })
})
afterAll(async () => {
  await sim.stop()
  await receiver.close()
})

interface Answer {
  status: number
  body: Record<string, unknown> & { error?: string }
}

async function ctl(method: string, path: string, body?: unknown, token: string | null = "s3cret-token"): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json" }
  if (token !== null) headers.authorization = `Bearer ${token}`
  const res = await fetch(`${sim.controlUrl}${path}`, {
    method,
    headers,
    body: body === undefined || method === "GET" ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Answer["body"] }
}

describe("authentication", () => {
  it("refuses every route without the right bearer token", async () => {
    for (const [method, path] of [
      ["GET", "/state"],
      ["POST", "/deposits"],
      ["POST", "/clock/advance"],
      ["GET", "/faults"],
      ["GET", "/nonexistent"],
    ]) {
      expect((await ctl(method, path, {}, null)).status).toBe(401)
      expect((await ctl(method, path, {}, "wrong")).status).toBe(401)
      expect((await ctl(method, path, {}, "s3cret-token-but-longer")).status).toBe(401)
    }
    const basic = await fetch(`${sim.controlUrl}/state`, { headers: { authorization: "Basic czNjcmV0LXRva2Vu" } })
    expect(basic.status).toBe(401)
    expect(basic.headers.get("www-authenticate")).toMatch(/^Bearer/)
    expect((await ctl("GET", "/state")).status).toBe(200)
  })

  it("GET /info is public and reveals only public settings", async () => {
    const info = await ctl("GET", "/info", undefined, null)
    expect(info.status).toBe(200)
    expect(info.body).toMatchObject({ url: sim.url, pathPrefix: "/api/v2", walletPublicKey: sim.walletPublicKey, appIds: [APP_ID], clock: "manual" })
    const text = JSON.stringify(info.body)
    expect(text).not.toContain("s3cret-token")
    expect(text).not.toContain(sim.walletPrivateKey.slice(40, 80))
  })
})

describe("validation", () => {
  it("answers 400 with a readable message for bad bodies, 404/405 for unknown routes and methods", async () => {
    const notJson = await ctl("POST", "/deposits", "{nope")
    expect(notJson).toMatchObject({ status: 400, body: { error: expect.stringMatching(/JSON/) } })
    const numberAmount = await ctl("POST", "/fund", { target: 10001, symbol: "ETH", amount: 1.5 })
    expect(numberAmount.status).toBe(400)
    expect(numberAmount.body.error).toMatch(/amount/)
    expect((await ctl("POST", "/deposits", { address: "x", amount: "1", extra: true })).status).toBe(400)
    expect((await ctl("POST", "/clock/advance", { ms: -5 })).status).toBe(400)
    expect((await ctl("POST", "/deposits/abc/confirm", {})).status).toBe(400)
    expect((await ctl("PUT", "/faults", { notify: { explode: {} } })).status).toBe(400)
    expect((await ctl("GET", "/nope")).status).toBe(404)
    expect((await ctl("DELETE", "/state")).status).toBe(405)
    expect((await ctl("POST", "/deposits/999999/confirm", {})).status).toBe(404)
    expect((await ctl("POST", "/withdrawals/ghost/outcome", { status: 5 })).status).toBe(404)
  })
})

describe("operations", () => {
  it("deposit → confirm → advance → delivery, all over HTTP", async () => {
    const uid = await newUser(sim)
    const address = await addressOf(sim, uid, "ETH")
    const made = await ctl("POST", "/deposits", { address, amount: "0.75", txid: "0xcafe" })
    expect(made).toMatchObject({ status: 200, body: { status: 0, confirmations: 0, txid: "0xcafe", uid, symbol: "ETH" } })
    const id = made.body.id as number
    expect((await ctl("POST", `/deposits/${id}/confirm`, { n: 11 })).body).toMatchObject({ status: 0, confirmations: 11 })
    expect((await ctl("POST", `/deposits/${id}/confirm`)).body).toMatchObject({ status: 1, confirmations: 12 })
    expect((await ctl("POST", `/deposits/${id}/confirm`)).status).toBe(409)
    const before = (await ctl("GET", "/clock")).body.now as number
    expect((await ctl("POST", "/clock/advance", { ms: 1000 })).body).toEqual({ now: before + 1000 })
    const deliveries = (await fetch(`${sim.controlUrl}/deliveries`, { headers: { authorization: "Bearer s3cret-token" } }).then((r) => r.json())) as Array<Record<string, unknown>>
    expect(deliveries.find((d) => d.recordId === id)).toMatchObject({ side: "deposit", attempt: 1, acknowledged: true, responseStatus: 200 })
    const state = await ctl("GET", "/state")
    expect((state.body.company as Array<Record<string, string>>).find((c) => c.symbol === "ETH")).toMatchObject({ balance: "0.75" })
  })

  it("KYT release and failing a deposit", async () => {
    const uid = await newUser(sim)
    const address = await addressOf(sim, uid, "BTC")
    const risky = (await ctl("POST", "/deposits", { address, amount: "0.1", kyt: "breaker" })).body.id as number
    expect((await ctl("POST", `/deposits/${risky}/confirm`, { n: 2 })).body).toMatchObject({ status: 6 })
    expect((await ctl("POST", `/deposits/${risky}/kyt`, { result: "pass" })).body).toMatchObject({ status: 1 })
    const doomed = (await ctl("POST", "/deposits", { address, amount: "0.1" })).body.id as number
    expect((await ctl("POST", `/deposits/${doomed}/fail`)).body).toMatchObject({ status: 2 })
    expect((await ctl("POST", `/deposits/${doomed}/reverse`)).status).toBe(409)
    expect((await ctl("POST", `/deposits/${risky}/reverse`)).body).toMatchObject({ status: 2 })
  })

  it("fund, withdraw over WaaS, then drive the outcome by request_id", async () => {
    const uid = await newUser(sim)
    expect((await ctl("POST", "/fund", { target: uid, symbol: "TRX", amount: "500" })).body).toEqual({ uid, symbol: "TRX", normal: "500", lock: "0" })
    expect((await ctl("POST", "/fund", { target: "company", symbol: "TRX", amount: "9" })).body).toMatchObject({ appId: APP_ID, balance: "9" })
    expect(await codeOf(sim, "withdraw", { request_id: "ctl-wd-1", from_uid: uid, to_address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", amount: "100", symbol: "TRX" })).toBe("0")
    const out = await ctl("POST", "/withdrawals/ctl-wd-1/outcome", { status: 3, txid: "abc123" })
    expect(out.body).toMatchObject({ status: 3, txid: "abc123", requestId: "ctl-wd-1" })
    expect((await ctl("POST", "/withdrawals/ctl-wd-1/outcome", { status: 5, realFee: "1.2" })).body).toMatchObject({ status: 5, realFee: "1.2" })
    expect((await ctl("POST", "/withdrawals/ctl-wd-1/outcome", { status: 4 })).status).toBe(409)
    expect((await ctl("GET", "/confirmations")).body).toEqual(expect.arrayContaining([expect.objectContaining({ requestId: "ctl-wd-1", outcome: "approved" })]))
  })

  it("adds a merchant at run time that can call the WaaS at once", async () => {
    const second = generateWaasKeyPair()
    const added = await ctl("POST", "/merchants", { appId: "second-app", merchantPublicKey: second.publicKey })
    expect(added.body).toMatchObject({ appId: "second-app", confirmAnswerTimeoutMs: 5000 })
    expect(await ok(sim, "registerEmail", { email: "x@second.test" }, { appId: "second-app", privateKey: second.privateKey })).toHaveProperty("uid")
    expect((await ctl("POST", "/merchants", { appId: "bad", merchantPublicKey: "not a key" })).status).toBe(400)
  })

  it("sets, reads and clears faults; flushes held notifications; redelivers", async () => {
    // let the notifications of earlier tests finish so that only this test's one is held
    await ctl("POST", "/clock/advance", { ms: 86_400_000 })
    expect((await ctl("PUT", "/faults", { notify: { reorder: { mode: "reverse" } }, endpoints: { getCoinList: { httpStatus: { times: 1 } } } })).body).toEqual({
      notify: { reorder: { mode: "reverse" } },
      endpoints: { getCoinList: { httpStatus: { times: 1 } } },
    })
    expect((await fetch(`${sim.url}${sim.pathPrefix}/user/getCoinList`, { method: "POST" })).status).toBe(503)
    expect((await ctl("GET", "/faults")).body).toEqual({ notify: { reorder: { mode: "reverse" } } })

    const uid = await newUser(sim)
    const id = (await ctl("POST", "/deposits", { address: await addressOf(sim, uid, "BTC"), amount: "0.2" })).body.id as number
    await ctl("POST", `/deposits/${id}/confirm`, { n: 2 })
    await ctl("POST", "/clock/advance", { ms: 1000 })
    const held = ((await ctl("GET", "/notifications")).body as unknown as Array<Record<string, unknown>>).find((n) => n.recordId === id && n.side === "deposit")
    expect(held).toMatchObject({ held: true, attempts: 0 })
    expect((await ctl("POST", "/notifications/flush", { order: "fifo" })).body).toEqual({ sent: 1 })
    expect((await ctl("DELETE", "/faults")).body).toEqual({})
    const again = await ctl("POST", `/notifications/${held?.id as string}/redeliver`)
    expect(again.body).toMatchObject({ attempt: 2, manual: true, acknowledged: true })
    expect((await ctl("POST", "/notifications/ntf_0/redeliver")).status).toBe(404)
  })
})
