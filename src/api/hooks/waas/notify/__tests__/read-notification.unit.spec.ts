import { generateWaasKeyPair, loadPublicKey, sealNotification } from "../../../../../protocol"
import { CallbackRejection, readCallbackForm, readNotification } from "../read-notification"

const wallet = generateWaasKeyPair()
const stranger = generateWaasKeyPair()
const APP_ID = "0123456789abcdef0123456789abcdef"
const check = {
  appId: APP_ID,
  waasPublicKey: loadPublicKey(wallet.publicKey),
  decimalsOf: (symbol: string) => ({ USDTERC20: 6, BTC: 8 })[symbol],
}

/** a deposit notification shaped like the real captured one: every value a string */
function payload(patch: Record<string, string> = {}): Record<string, string> {
  return {
    withdraw_fee: "0",
    charset: "utf-8",
    symbol: "USDTERC20",
    side: "deposit",
    notify_time: "1795460000000",
    amount: "35.000501",
    real_fee: "0",
    sign: "",
    fee_symbol: "ETH",
    created_at: "2026-11-23 20:00:00",
    uid: "10001",
    address_to: "0x6956f9af53b22117f2fc94dfe7c74ff3893b2acd",
    updated_at: "2026-11-23 20:01:00",
    version: "2.0",
    withdraw_fee_symbol: "",
    app_id: APP_ID,
    txid: "0x" + "ab".repeat(32),
    confirmations: "12",
    time: "1795460000000",
    id: "42",
    status: "1",
    ...patch,
  }
}

const form = (data: string, appId = APP_ID) => Buffer.from(new URLSearchParams({ app_id: appId, data }).toString())
const seal = (p: Record<string, string>, key = wallet.privateKey) => sealNotification(p, key)

function rejection(fn: () => unknown): CallbackRejection {
  try {
    fn()
  } catch (e) {
    if (e instanceof CallbackRejection) return e
    throw e
  }
  throw new Error("expected a CallbackRejection")
}

/** the envelope's 256-byte blocks of a `data` value, and back */
const blocksOf = (data: string) => {
  const buf = Buffer.from(data.replace(/-/g, "+").replace(/_/g, "/"), "base64")
  return Array.from({ length: buf.length / 256 }, (_, i) => buf.subarray(i * 256, (i + 1) * 256))
}
const joinBlocks = (blocks: Buffer[]) =>
  Buffer.concat(blocks).toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

describe("readNotification", () => {
  it("opens a genuine deposit notification into typed values", () => {
    const n = readNotification({ rawBody: form(seal(payload())) }, check)
    expect(n).toMatchObject({ side: "deposit", id: 42, uid: 10001, status: 1, amount: "35.000501", confirmations: 12 })
  })

  it("falls back to the query string when the body has no data field", () => {
    const data = seal(payload())
    expect(readNotification({ rawBody: "", query: { app_id: APP_ID, data } }, check).id).toBe(42)
    expect(readCallbackForm({ rawBody: Buffer.from("app_id=x"), query: { data: "d" } })).toEqual({ app_id: "x", data: "d" })
  })

  it("refuses a payload signed with another key (401)", () => {
    expect(rejection(() => readNotification({ rawBody: form(seal(payload(), stranger.privateKey)) }, check))).toMatchObject({
      reason: "undecryptable",
      httpStatus: 401,
    })
  })

  it("refuses reordered and truncated blocks of a genuine message: every block verifies, the JSON does not", () => {
    const a = blocksOf(seal(payload({ amount: "1", txid: "0x" + "11".repeat(32) })))
    expect(a.length).toBe(3)
    for (const data of [joinBlocks([a[1], a[0], a[2]]), joinBlocks([a[0], a[2], a[1]]), joinBlocks(a.slice(0, 2))]) {
      const r = rejection(() => readNotification({ rawBody: form(data) }, check))
      expect(["bad_json", "bad_schema"]).toContain(r.reason)
      expect(r.httpStatus).toBe(400)
    }
  })

  it("cannot always tell a splice of two genuine messages: it can parse, mixing their fields (why callbacks are only hints)", () => {
    // same key order and lengths before the first block boundary: block 1 of A, blocks 2–3 of B
    const a = blocksOf(seal(payload({ amount: "1", txid: "0x" + "11".repeat(32) })))
    const b = blocksOf(seal(payload({ id: "43", amount: "999999", address_to: "0x" + "cd".repeat(20) })))
    const mixed = readNotification({ rawBody: form(joinBlocks([a[0], b[1], b[2]])) }, check)
    // A's amount with B's id and a forged address neither message carried
    expect(mixed).toMatchObject({ id: 43, amount: "1" })
    expect(mixed.address_to).not.toBe("0x" + "cd".repeat(20))
    expect(mixed.address_to).not.toBe(payload().address_to)
    // so the processing pulls deposit 43 from the WaaS and acts only on what the WaaS says (see deposits.spec)
  })

  it("refuses a foreign app_id in the form (403) or inside the payload (403)", () => {
    expect(rejection(() => readNotification({ rawBody: form(seal(payload()), "f".repeat(32)) }, check))).toMatchObject({
      reason: "wrong_app_id",
      httpStatus: 403,
    })
    expect(rejection(() => readNotification({ rawBody: form(seal(payload({ app_id: "f".repeat(32) }))) }, check))).toMatchObject({
      reason: "wrong_app_id",
      httpStatus: 403,
    })
  })

  it("refuses an unknown side, an unknown status, and a missing or repeated data field", () => {
    expect(rejection(() => readNotification({ rawBody: form(seal(payload({ side: "transfer" }))) }, check)).reason).toBe("bad_schema")
    expect(rejection(() => readNotification({ rawBody: form(seal(payload({ status: "3" }))) }, check))).toMatchObject({
      reason: "unknown_status",
      httpStatus: 400,
    })
    expect(rejection(() => readNotification({ rawBody: Buffer.from(`app_id=${APP_ID}`) }, check)).reason).toBe("missing_data")
    const data = seal(payload())
    expect(rejection(() => readNotification({ rawBody: Buffer.from(`app_id=${APP_ID}&data=${data}&data=${data}`) }, check)).reason).toBe(
      "ambiguous_form",
    )
  })

  it.each([["1,5"], ["1e3"], ["-1"], [""], ["1.0000001"], [" 1"], ["0x10"]])(
    "refuses the malformed amount %j with a 400",
    (amount) => {
      const r = rejection(() => readNotification({ rawBody: form(seal(payload({ amount }))) }, check))
      expect(["bad_schema", "bad_amount"]).toContain(r.reason)
      expect(r.httpStatus).toBe(400)
      // the message names the problem, not the payload
      expect(r.message).not.toContain(amount.length > 2 ? amount : "never")
    },
  )

  it("accepts more decimals for a coin the store does not quote (such a deposit becomes an orphan later)", () => {
    expect(readNotification({ rawBody: form(seal(payload({ symbol: "ETH", amount: "0.000000000000000001" }))) }, check).symbol).toBe("ETH")
  })
})
