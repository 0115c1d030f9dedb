import {
  openConfirmationAnswer,
  openConfirmationRequest,
  openNotification,
  sealConfirmationAnswer,
  sealConfirmationRequest,
  sealNotification,
} from "../callbacks"
import { decryptEnvelope, encryptEnvelope } from "../envelope"
import { WaasCallbackError, WaasCryptoError } from "../errors"
import { generateWaasKeyPair } from "../keys"
import { DEMO_APP_ID, depositNotificationPayload, withdrawNotificationPayload } from "./fixtures/notifications"
import { MERCHANT_DEMO_PRIVATE_KEY, MERCHANT_DEMO_PUBLIC_KEY } from "./fixtures/published-vectors"

const APP_ID = DEMO_APP_ID

let wallet: { privateKey: string; publicKey: string }
let merchant: { privateKey: string; publicKey: string }
let stranger: { privateKey: string; publicKey: string }

beforeAll(() => {
  wallet = generateWaasKeyPair()
  merchant = generateWaasKeyPair()
  stranger = generateWaasKeyPair()
})

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error("expected a throw")
}

function expectCallbackError(fn: () => unknown, reason: WaasCallbackError["reason"]): WaasCallbackError {
  const e = thrown(fn)
  expect(e).toBeInstanceOf(WaasCallbackError)
  expect((e as WaasCallbackError).reason).toBe(reason)
  return e as WaasCallbackError
}

function expectCryptoError(fn: () => unknown, reason: WaasCryptoError["reason"]): void {
  const e = thrown(fn)
  expect(e).toBeInstanceOf(WaasCryptoError)
  expect((e as WaasCryptoError).reason).toBe(reason)
}

const deposit = depositNotificationPayload
const withdraw = withdrawNotificationPayload

describe("openNotification", () => {
  const opts = () => ({ appId: APP_ID, waasPublicKey: wallet.publicKey })

  it("opens a deposit notification sealed by the WaaS side", () => {
    const data = sealNotification(deposit, wallet.privateKey)
    const n = openNotification({ app_id: APP_ID, data }, opts())
    expect(n.side).toBe("deposit")
    expect(n).toMatchObject({ id: 2180, uid: 3529218, status: 1, amount: "0.0002000000000000" })
  })

  it("opens a multi-block withdraw notification (the real ones are 2–3 blocks)", () => {
    const payload = { ...withdraw, note: "成功".repeat(60) }
    const data = sealNotification(payload, wallet.privateKey)
    expect(data.length).toBeGreaterThanOrEqual(1024)
    const n = openNotification({ app_id: APP_ID, data }, opts())
    if (n.side !== "withdraw") throw new Error("expected a withdraw notification")
    expect(n.request_id).toBe("wd-000123")
    expect(n.status).toBe(5)
  })

  it("accepts a form without app_id and a payload without inner app_id", () => {
    const { app_id: _omit, ...noAppId } = deposit
    const data = sealNotification(noAppId, wallet.privateKey)
    expect(openNotification({ data }, opts()).id).toBe(2180)
  })

  it("missing or empty data → missing_data", () => {
    expectCallbackError(() => openNotification({ app_id: APP_ID }, opts()), "missing_data")
    expectCallbackError(() => openNotification({ app_id: APP_ID, data: "" }, opts()), "missing_data")
    expectCallbackError(
      () => openNotification({ app_id: APP_ID, data: ["x"] as unknown as string }, opts()),
      "missing_data"
    )
  })

  it("a form app_id for another merchant → wrong_app_id, before any decryption", () => {
    expectCallbackError(() => openNotification({ app_id: "other", data: "garbage$$" }, opts()), "wrong_app_id")
  })

  it("an inner app_id for another merchant → wrong_app_id", () => {
    const data = sealNotification({ ...deposit, app_id: "ffffffffffffffffffffffffffffffff" }, wallet.privateKey)
    expectCallbackError(() => openNotification({ app_id: APP_ID, data }, opts()), "wrong_app_id")
  })

  it("signed by another key → WaasCryptoError bad_block (e.g. a forged callback)", () => {
    const data = sealNotification(deposit, stranger.privateKey)
    expectCryptoError(() => openNotification({ app_id: APP_ID, data }, opts()), "bad_block")
  })

  it("tampered / not base64 → WaasCryptoError", () => {
    const data = sealNotification(deposit, wallet.privateKey)
    const tampered = data.slice(0, 50) + (data[50] === "A" ? "B" : "A") + data.slice(51)
    expectCryptoError(() => openNotification({ app_id: APP_ID, data: tampered }, opts()), "bad_block")
    expectCryptoError(() => openNotification({ app_id: APP_ID, data: "not base64!" }, opts()), "not_base64")
    expectCryptoError(() => openNotification({ app_id: APP_ID, data: data.slice(0, 300) }, opts()), "bad_length")
  })

  it("a payload that is not JSON → bad_json (also: trailing garbage, truncated after block splicing)", () => {
    expectCallbackError(
      () => openNotification({ data: encryptEnvelope("SUCCESS", wallet.privateKey) }, opts()),
      "bad_json"
    )
    expectCallbackError(
      () => openNotification({ data: encryptEnvelope(JSON.stringify(deposit) + "x", wallet.privateKey) }, opts()),
      "bad_json"
    )
    // non-strict JSON (unquoted keys, as the 2020 Java demo sent) is refused
    expectCallbackError(
      () => openNotification({ data: encryptEnvelope("{side:\"deposit\"}", wallet.privateKey) }, opts()),
      "bad_json"
    )
    // the first block of a 2-block message alone verifies, but is cut JSON
    const long = sealNotification({ ...deposit, note: "x".repeat(300) }, wallet.privateKey)
    expectCallbackError(() => openNotification({ data: long.slice(0, 342) }, opts()), "bad_json")
  })

  it("JSON that is not an object → bad_schema", () => {
    for (const v of ["[]", "null", "\"deposit\"", "42"]) {
      expectCallbackError(() => openNotification({ data: encryptEnvelope(v, wallet.privateKey) }, opts()), "bad_schema")
    }
  })

  it("an unknown side → bad_schema with issues", () => {
    const data = sealNotification({ ...deposit, side: "transfer" }, wallet.privateKey)
    const e = expectCallbackError(() => openNotification({ data }, opts()), "bad_schema")
    expect(e.issues.length).toBeGreaterThan(0)
  })

  it("a malformed amount → bad_schema naming the field, without echoing the value", () => {
    const data = sealNotification({ ...deposit, amount: "1,5" }, wallet.privateKey)
    const e = expectCallbackError(() => openNotification({ data }, opts()), "bad_schema")
    expect(e.issues.join(" ")).toContain("amount")
    expect(e.message).not.toContain("1,5")
  })

  it("a withdraw notification with a malformed fee → bad_schema", () => {
    const data = sealNotification({ ...withdraw, real_fee: "4.2e-4" }, wallet.privateKey)
    expectCallbackError(() => openNotification({ data }, opts()), "bad_schema")
  })
})

const confirmation = {
  time: 1700000000000,
  charset: "UTF-8",
  version: "v2",
  request_id: "wd-000123",
  from_uid: "3529218",
  to_address: "0x1234567890abcdef1234567890abcdef12345678",
  amount: "1.25",
  symbol: "ETH",
  check_sum: "c0ffee42",
}

describe("openConfirmationRequest", () => {
  const opts = () => ({ appId: APP_ID, waasPublicKey: wallet.publicKey })

  it("opens what the WaaS sends", () => {
    const data = sealConfirmationRequest(confirmation, wallet.privateKey)
    const req = openConfirmationRequest({ app_id: APP_ID, data }, opts())
    expect(req).toMatchObject({ request_id: "wd-000123", from_uid: 3529218, amount: "1.25", check_sum: "c0ffee42" })
  })

  it("rejects a missing check_sum, a wrong app_id, a wrong key, missing data", () => {
    const { check_sum: _omit, ...noCheckSum } = confirmation
    expectCallbackError(
      () => openConfirmationRequest({ data: sealConfirmationRequest(noCheckSum, wallet.privateKey) }, opts()),
      "bad_schema"
    )
    expectCallbackError(
      () => openConfirmationRequest({ app_id: "x", data: sealConfirmationRequest(confirmation, wallet.privateKey) }, opts()),
      "wrong_app_id"
    )
    expectCryptoError(
      () => openConfirmationRequest({ data: sealConfirmationRequest(confirmation, merchant.privateKey) }, opts()),
      "bad_block"
    )
    expectCallbackError(() => openConfirmationRequest({}, opts()), "missing_data")
  })

  it("a notification is not a confirmation request", () => {
    expectCallbackError(
      () => openConfirmationRequest({ data: sealNotification(deposit, wallet.privateKey) }, opts()),
      "bad_schema"
    )
  })
})

describe("sealConfirmationAnswer / openConfirmationAnswer", () => {
  it("envelope mode: JSON {data} whose plaintext is exactly {check_sum, time}", () => {
    const answer = sealConfirmationAnswer("c0ffee42", merchant.privateKey, "envelope", 1700000000123)
    expect(answer.contentType).toBe("application/json")
    const outer = JSON.parse(answer.body) as { data: string }
    expect(Object.keys(outer)).toEqual(["data"])
    expect(decryptEnvelope(outer.data, merchant.publicKey)).toBe('{"check_sum":"c0ffee42","time":"1700000000123"}')
    expect(openConfirmationAnswer(answer.body, merchant.publicKey)).toBe("c0ffee42")
  })

  it("bare mode: the cipher string alone", () => {
    const answer = sealConfirmationAnswer("c0ffee42", merchant.privateKey, "bare", 1700000000123)
    expect(answer.contentType).toMatch(/^text\/plain/)
    expect(answer.body).toMatch(/^[A-Za-z0-9_-]{342}$/)
    expect(decryptEnvelope(answer.body, merchant.publicKey)).toBe('{"check_sum":"c0ffee42","time":"1700000000123"}')
    expect(openConfirmationAnswer(answer.body, merchant.publicKey)).toBe("c0ffee42")
    expect(openConfirmationAnswer(`\r\n${answer.body}\n`, merchant.publicKey)).toBe("c0ffee42")
  })

  it("is deterministic for a given time and byte-exact with the demo key", () => {
    const a = sealConfirmationAnswer("1234", MERCHANT_DEMO_PRIVATE_KEY, "bare", 12345678)
    expect(a.body).toBe(encryptEnvelope('{"check_sum":"1234","time":"12345678"}', MERCHANT_DEMO_PRIVATE_KEY))
    expect(openConfirmationAnswer(a.body, MERCHANT_DEMO_PUBLIC_KEY)).toBe("1234")
  })

  it("uses the current time by default", () => {
    const before = Date.now()
    const answer = sealConfirmationAnswer("x", merchant.privateKey, "bare")
    const time = Number((JSON.parse(decryptEnvelope(answer.body, merchant.publicKey)) as { time: string }).time)
    expect(time).toBeGreaterThanOrEqual(before)
    expect(time).toBeLessThanOrEqual(Date.now())
  })

  it("accepts the SDK style answer that re-serialises the whole request", () => {
    const body = encryptEnvelope(JSON.stringify(confirmation), merchant.privateKey)
    expect(openConfirmationAnswer(body, merchant.publicKey)).toBe("c0ffee42")
  })

  it("refuses bad input to seal", () => {
    expectCallbackError(() => sealConfirmationAnswer("", merchant.privateKey, "envelope"), "bad_schema")
    expectCallbackError(() => sealConfirmationAnswer("x", merchant.privateKey, "json" as "bare"), "bad_schema")
    expectCallbackError(() => sealConfirmationAnswer("x", merchant.privateKey, "bare", 1.5), "bad_schema")
  })

  it("rejections: FAILURE, empty, wrong key, envelope without data, bad JSON, no check_sum", () => {
    expectCryptoError(() => openConfirmationAnswer("FAILURE", merchant.publicKey), "bad_length")
    expectCallbackError(() => openConfirmationAnswer("", merchant.publicKey), "missing_data")
    expectCallbackError(() => openConfirmationAnswer("  \n", merchant.publicKey), "missing_data")
    const byStranger = sealConfirmationAnswer("c0ffee42", stranger.privateKey, "envelope", 1)
    expectCryptoError(() => openConfirmationAnswer(byStranger.body, merchant.publicKey), "bad_block")
    expectCallbackError(() => openConfirmationAnswer('{"code":"0","data":[]}', merchant.publicKey), "missing_data")
    expectCallbackError(() => openConfirmationAnswer("{not json", merchant.publicKey), "bad_json")
    expectCallbackError(
      () => openConfirmationAnswer(encryptEnvelope("plain words", merchant.privateKey), merchant.publicKey),
      "bad_json"
    )
    expectCallbackError(
      () => openConfirmationAnswer(encryptEnvelope('{"checksum":"x"}', merchant.privateKey), merchant.publicKey),
      "bad_schema"
    )
    // a notification signed by the WaaS is not a merchant answer
    expectCryptoError(() => openConfirmationAnswer(sealNotification(deposit, wallet.privateKey), merchant.publicKey), "bad_block")
  })
})
