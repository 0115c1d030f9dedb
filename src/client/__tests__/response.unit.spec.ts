import { encryptEnvelope } from "../../protocol/envelope"
import { WaasBusinessError, WaasCryptoError, WaasResponseError, WaasTransportError } from "../../protocol/errors"
import { generateWaasKeyPair } from "../../protocol/keys"
import { CompanyBalanceData, DepositRecord } from "../../protocol/schemas"
import { openResponse } from "../response"
import { z } from "zod"
import { RESPONSE_VECTORS, WALLET_DEMO_PUBLIC_KEY } from "../../protocol/__tests__/fixtures/published-vectors"

let wallet: { privateKey: string; publicKey: string }
let other: { privateKey: string; publicKey: string }
beforeAll(() => {
  wallet = generateWaasKeyPair()
  other = generateWaasKeyPair()
})

const sealed = (result: unknown, key = wallet.privateKey) =>
  JSON.stringify({ data: encryptEnvelope(JSON.stringify(result), key) })

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error("expected a throw")
}

describe("openResponse (protocol §1.5)", () => {
  it("opens the published P3 response with the wallet demo key", () => {
    const p3 = RESPONSE_VECTORS.find((v) => v.name === "P3")
    if (!p3) throw new Error("missing vector")
    const out = openResponse("/account/getCompanyBySymbol", { status: 200, body: JSON.stringify({ data: p3.ciphertext }) }, CompanyBalanceData, WALLET_DEMO_PUBLIC_KEY)
    expect(out).toEqual({ symbol: "ETH", balance: "64.97599802" })
  })

  it("code \"0\" and numeric 0 are success", () => {
    const schema = z.object({ n: z.number() })
    expect(openResponse("/e", { status: 200, body: sealed({ code: "0", msg: "ok", data: { n: 1 } }) }, schema, wallet.publicKey)).toEqual({ n: 1 })
    expect(openResponse("/e", { status: 200, body: sealed({ code: 0, data: { n: 2 } }) }, schema, wallet.publicKey)).toEqual({ n: 2 })
  })

  it("an encrypted error code → WaasBusinessError, plaintext false", () => {
    const e = thrown(() => openResponse("/billing/withdraw", { status: 200, body: sealed({ code: "120402", msg: "余额不足" }) }, z.unknown(), wallet.publicKey))
    expect(e).toBeInstanceOf(WaasBusinessError)
    expect(e).toMatchObject({ code: "120402", endpoint: "/billing/withdraw", waasMessage: "余额不足", plaintext: false })
  })

  it("a plaintext pre-auth error → WaasBusinessError, plaintext true (string or numeric code)", () => {
    const e = thrown(() => openResponse("/user/info", { status: 200, body: '{"code":"100015","msg":"invalid app_id"}' }, z.unknown(), wallet.publicKey))
    expect(e).toMatchObject({ name: "WaasBusinessError", code: "100015", plaintext: true })
    const n = thrown(() => openResponse("/user/info", { status: 200, body: '{"code":100005,"msg":"sign","data":null}' }, z.unknown(), wallet.publicKey))
    expect(n).toMatchObject({ name: "WaasBusinessError", code: "100005", plaintext: true })
    // an empty data string counts as "no data": the outer object is the result
    const empty = thrown(() => openResponse("/user/info", { status: 200, body: '{"code":"100007","msg":"ip","data":""}' }, z.unknown(), wallet.publicKey))
    expect(empty).toMatchObject({ code: "100007", plaintext: true })
  })

  it("a plaintext success is refused", () => {
    const e = thrown(() => openResponse("/user/info", { status: 200, body: '{"code":"0","data":{"uid":1}}' }, z.unknown(), wallet.publicKey))
    expect(e).toBeInstanceOf(WaasResponseError)
  })

  it("data that does not verify → WaasCryptoError with endpoint and a truncated body", () => {
    const body = sealed({ code: "0", data: { uid: 1 } }, other.privateKey)
    const e = thrown(() => openResponse("/user/info", { status: 200, body }, z.unknown(), wallet.publicKey))
    expect(e).toBeInstanceOf(WaasCryptoError)
    const err = e as WaasCryptoError
    expect(err.reason).toBe("bad_block")
    expect(err.endpoint).toBe("/user/info")
    expect(err.bodyExcerpt?.startsWith(body.slice(0, 100))).toBe(true)
    expect(err.bodyExcerpt?.length).toBeLessThan(160)
    expect(err.message).not.toContain(body.slice(20, 300))
  })

  it("garbage data string → WaasCryptoError not_base64 (not silently returned as the JS SDK does)", () => {
    const e = thrown(() => openResponse("/user/info", { status: 200, body: '{"data":"<html>oops</html>"}' }, z.unknown(), wallet.publicKey))
    expect(e).toMatchObject({ name: "WaasCryptoError", reason: "not_base64" })
  })

  it("non-200 → WaasTransportError http_status", () => {
    const e = thrown(() => openResponse("/x", { status: 502, body: "bad gateway" }, z.unknown(), wallet.publicKey))
    expect(e).toBeInstanceOf(WaasTransportError)
    expect(e).toMatchObject({ kind: "http_status", status: 502 })
  })

  it.each([
    ["not JSON", "<html>nginx</html>"],
    ["empty", ""],
    ["JSON array", "[1,2]"],
    ["JSON string", "\"SUCCESS\""],
    ["object without code or data", "{\"foo\":1}"],
  ])("%s body → WaasResponseError", (_what, body) => {
    expect(thrown(() => openResponse("/x", { status: 200, body }, z.unknown(), wallet.publicKey))).toBeInstanceOf(WaasResponseError)
  })

  it("decrypted result that is not JSON or has no code → WaasResponseError", () => {
    const notJson = JSON.stringify({ data: encryptEnvelope("hello", wallet.privateKey) })
    expect(thrown(() => openResponse("/x", { status: 200, body: notJson }, z.unknown(), wallet.publicKey))).toBeInstanceOf(WaasResponseError)
    expect(thrown(() => openResponse("/x", { status: 200, body: sealed({ data: 1 }) }, z.unknown(), wallet.publicKey))).toBeInstanceOf(WaasResponseError)
  })

  it("success data that does not match the endpoint schema → WaasResponseError naming the field", () => {
    const row = { id: 1, uid: 2, symbol: "ETH", amount: "1,5", address_to: "0xabc", status: 1, created_at: 1, updated_at: 1 }
    const e = thrown(() => openResponse("/billing/depositList", { status: 200, body: sealed({ code: "0", data: [row] }) }, z.array(DepositRecord), wallet.publicKey))
    expect(e).toBeInstanceOf(WaasResponseError)
    expect((e as WaasResponseError).issues.join(" ")).toContain("0.amount")
  })
})
