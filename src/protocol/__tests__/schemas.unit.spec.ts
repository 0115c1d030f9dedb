import { WAAS_ENDPOINTS } from "../endpoints"
import {
  CoinData,
  DepositAddressData,
  DepositNotification,
  DepositRecord,
  MinerFeeRecord,
  Notification,
  OuterResponse,
  ResultEnvelope,
  UserInfoRequest,
  WithdrawConfirmationRequest,
  WithdrawNotification,
  WithdrawRecord,
  WithdrawRequest,
} from "../schemas"
import { depositNotificationPayload, withdrawNotificationPayload } from "./fixtures/notifications"
import { formatWaasTime, waasTimeToDate, zAmount, zFlag, zId, zIdList, zInt, zWaasTime } from "../wire-types"

/** the docs' withdrawal record example (§2.10) */
const withdrawRecordDoc = {
  id: 48393,
  request_id: "123",
  uid: 10739,
  symbol: "LTC",
  amount: "10",
  withdraw_fee_symbol: "ETH",
  withdraw_fee: "0.4",
  fee_symbol: "LTC",
  real_fee: "0",
  fee: "0",
  address_from: "",
  address_to: "LhFrA5xyz",
  txid: "",
  confirmations: 0,
  saas_status: 0,
  company_status: 0,
  status: 0,
  created_at: 1551429063000,
  updated_at: 1551429063000,
}

/** the real deposit-list shape (§2.12): no address_from */
const depositRecordDoc = {
  symbol: "ETH",
  uid: 1001,
  amount: "0.0002000000000000",
  updated_at: 1700000600000,
  address_to: "0x6956f9af53b22117f2fc94dfe7c74ff3893b2acd",
  created_at: 1700000000000,
  txid: "0xabc",
  id: 1,
  confirmations: 12,
  status: 1,
}

const depositNotificationCaptured = depositNotificationPayload
const withdrawNotification = withdrawNotificationPayload

describe("field schemas (type drift, §7.2 item 10)", () => {
  it("zInt/zId accept numbers and digit strings", () => {
    expect(zInt.parse(5)).toBe(5)
    expect(zInt.parse("5")).toBe(5)
    expect(zInt.parse("-3")).toBe(-3)
    expect(zId.parse("3529218")).toBe(3529218)
  })

  it.each(["1.5", "abc", "", " 1", "1e3", "9007199254740993", "0x10"])("zInt rejects %j", (v) => {
    expect(zInt.safeParse(v).success).toBe(false)
  })

  it("zInt rejects fractional numbers; zId rejects negatives", () => {
    expect(zInt.safeParse(1.5).success).toBe(false)
    expect(zId.safeParse(-1).success).toBe(false)
    expect(zId.safeParse("-1").success).toBe(false)
  })

  it("zAmount accepts only plain non-negative decimal strings", () => {
    expect(zAmount.parse("0.0002000000000000")).toBe("0.0002000000000000")
    for (const bad of ["1,5", "1e3", "-1", "", "NaN", ".5", "1."]) expect(zAmount.safeParse(bad).success).toBe(false)
    expect(zAmount.safeParse(0.5).success).toBe(false)
    expect(zAmount.safeParse(5).success).toBe(false) // amounts are strings on the wire, even integers
  })

  it("zFlag maps 0/1 strings and numbers", () => {
    expect(zFlag.parse("1")).toBe(true)
    expect(zFlag.parse(1)).toBe(true)
    expect(zFlag.parse("0")).toBe(false)
    expect(zFlag.parse("")).toBe(false)
    expect(zFlag.safeParse("yes").success).toBe(false)
  })

  it("zWaasTime accepts epoch-ms numbers, ms strings and YYYY-MM-DD HH:mm:ss", () => {
    expect(zWaasTime.parse(1551429063000)).toBe(1551429063000)
    expect(zWaasTime.parse("1586420571889")).toBe("1586420571889")
    expect(zWaasTime.parse("2020-04-09 15:01:58")).toBe("2020-04-09 15:01:58")
    for (const bad of ["2020-04-09T15:01:58Z", "2020-04-09", "yesterday", -1, 1.5]) {
      expect(zWaasTime.safeParse(bad).success).toBe(false)
    }
  })

  it("zIdList takes up to 100 comma-separated ids", () => {
    expect(zIdList.parse("1,2,3")).toBe("1,2,3")
    expect(zIdList.safeParse(Array.from({ length: 100 }, (_, i) => i).join(",")).success).toBe(true)
    expect(zIdList.safeParse(Array.from({ length: 101 }, (_, i) => i).join(",")).success).toBe(false)
    expect(zIdList.safeParse("1,,2").success).toBe(false)
    expect(zIdList.safeParse("").success).toBe(false)
  })
})

describe("waasTimeToDate / formatWaasTime", () => {
  it("epoch ms as number or string", () => {
    expect(waasTimeToDate(1551429063000).toISOString()).toBe("2019-03-01T08:31:03.000Z")
    expect(waasTimeToDate("1551429063000").toISOString()).toBe("2019-03-01T08:31:03.000Z")
  })

  it("formatted strings use the given offset (default UTC+8)", () => {
    expect(waasTimeToDate("2020-04-09 15:01:58").toISOString()).toBe("2020-04-09T07:01:58.000Z")
    expect(waasTimeToDate("2020-04-09 15:01:58", 0).toISOString()).toBe("2020-04-09T15:01:58.000Z")
    expect(waasTimeToDate("2020-04-09 03:00:00", 480).toISOString()).toBe("2020-04-08T19:00:00.000Z")
    expect(waasTimeToDate("2020-04-09 15:01:58", -300).toISOString()).toBe("2020-04-09T20:01:58.000Z")
  })

  it("formatWaasTime is the inverse", () => {
    const d = new Date("2020-04-08T19:00:00.000Z")
    expect(formatWaasTime(d)).toBe("2020-04-09 03:00:00")
    expect(formatWaasTime(d, 0)).toBe("2020-04-08 19:00:00")
    expect(waasTimeToDate(formatWaasTime(d, 120), 120).getTime()).toBe(d.getTime())
  })
})

describe("response envelopes (§1.5)", () => {
  it("result code is a string; numeric 0 is tolerated", () => {
    expect(ResultEnvelope.parse({ code: "0", msg: "成功", data: {} }).code).toBe("0")
    expect(ResultEnvelope.parse({ code: 0, data: null }).code).toBe("0")
    expect(ResultEnvelope.parse({ code: 110065 }).code).toBe("110065")
    expect(ResultEnvelope.parse({ code: "0" }).msg).toBe("")
    expect(ResultEnvelope.safeParse({ msg: "no code" }).success).toBe(false)
  })

  it("outer body: cipher data or a plaintext error", () => {
    expect(OuterResponse.parse({ data: "abc" }).data).toBe("abc")
    expect(OuterResponse.parse({ code: "100015", msg: "invalid app_id" }).code).toBe("100015")
  })
})

describe("endpoint data schemas", () => {
  it("withdraw record: the docs' example", () => {
    const r = WithdrawRecord.parse(withdrawRecordDoc)
    expect(r.id).toBe(48393)
    expect(r.amount).toBe("10")
    expect(r.created_at).toBe(1551429063000)
  })

  it("withdraw record: ids and counts as strings, times as strings, defaults for absent optional fields", () => {
    const r = WithdrawRecord.parse({
      id: "48393",
      uid: "10739",
      symbol: "LTC",
      amount: "10.50",
      address_to: "LhFrA5xyz",
      status: "3",
      confirmations: "2",
      created_at: "1551429063000",
      updated_at: "2019-03-01 16:31:03",
    })
    expect(r).toMatchObject({ id: 48393, uid: 10739, status: 3, confirmations: 2, request_id: "", real_fee: "0", txid: "" })
    expect(waasTimeToDate(r.updated_at).getTime()).toBe(1551429063000)
  })

  it("withdraw record: extra fields are tolerated and kept", () => {
    const r = WithdrawRecord.parse({ ...withdrawRecordDoc, email: "a@b.c", txid_type: "0", brand_new: { x: 1 } })
    expect((r as Record<string, unknown>).brand_new).toEqual({ x: 1 })
  })

  it.each([
    ["amount", "1,5"],
    ["amount", 10],
    ["amount", "1e3"],
    ["withdraw_fee", "-0.4"],
    ["real_fee", "NaN"],
    ["fee", "0.1.2"],
  ])("withdraw record: malformed %s %j is rejected", (field, value) => {
    expect(WithdrawRecord.safeParse({ ...withdrawRecordDoc, [field]: value }).success).toBe(false)
  })

  it("deposit record: the real list shape without address_from", () => {
    const r = DepositRecord.parse(depositRecordDoc)
    expect(r.address_from).toBe("")
    expect(r.amount).toBe("0.0002000000000000")
    expect(DepositRecord.safeParse({ ...depositRecordDoc, amount: 0.0002 }).success).toBe(false)
    expect(DepositRecord.safeParse({ ...depositRecordDoc, amount: "2e-4" }).success).toBe(false)
    expect(DepositRecord.safeParse({ ...depositRecordDoc, id: "x" }).success).toBe(false)
    const { address_to: _omit, ...noAddress } = depositRecordDoc
    expect(DepositRecord.safeParse(noAddress).success).toBe(false)
  })

  it("miner fee record", () => {
    const base = {
      id: 7,
      symbol: "USDTERC20",
      amount: "100",
      fee: "0.0021",
      base_symbol: "ETH",
      status: 1,
      created_at: 1700000000000,
      updated_at: "1700000000000",
    }
    expect(MinerFeeRecord.parse(base).fee).toBe("0.0021")
    expect(MinerFeeRecord.safeParse({ ...base, fee: "0,0021" }).success).toBe(false)
  })

  it("coin data: decimals and flags as strings or numbers", () => {
    const doc = {
      symbol: "BTC",
      icon: "http://x/btc.png",
      real_symbol: "BTC",
      decimals: "8",
      name: "Bitcoin",
      base_symbol: "BTC",
      contract_address: "",
      deposit_confirmation: "2",
      explorer: "https://btc.com/",
      address_regex: "^(1|3)[a-zA-Z0-9]{24,36}$",
      address_tag_regex: "",
      support_memo: "0",
      support_token: "0",
    }
    expect(CoinData.parse(doc)).toMatchObject({ decimals: 8, deposit_confirmation: 2, support_memo: false })
    expect(CoinData.parse({ ...doc, decimals: 18, support_memo: 1 })).toMatchObject({ decimals: 18, support_memo: true })
    expect(CoinData.safeParse({ ...doc, decimals: "eight" }).success).toBe(false)
    expect(CoinData.safeParse({ ...doc, decimals: "99" }).success).toBe(false)
  })

  it("deposit address: uid came back as a string in the real sample (P2)", () => {
    expect(DepositAddressData.parse({ uid: "3529218", address: "0xabc" }).uid).toBe(3529218)
    expect(DepositAddressData.safeParse({ uid: "3529218", address: "" }).success).toBe(false)
  })

  it("every endpoint has a path, request and data schema and a read flag; writes are not reads", () => {
    for (const [name, ep] of Object.entries(WAAS_ENDPOINTS)) {
      expect(ep.path).toMatch(/^\/[a-z]+\/[A-Za-z]+$/)
      expect(typeof ep.read).toBe("boolean")
      expect(name).toBeTruthy()
    }
    expect(WAAS_ENDPOINTS.withdraw.read).toBe(false)
    expect(WAAS_ENDPOINTS.registerEmail.read).toBe(false)
    expect(WAAS_ENDPOINTS.withdrawList.read).toBe(true)
  })
})

describe("request schemas", () => {
  const common = { time: 1700000000000, charset: "UTF-8", version: "v2" }

  it("user/info needs email or country+mobile", () => {
    expect(UserInfoRequest.safeParse({ ...common, email: "a@b.co" }).success).toBe(true)
    expect(UserInfoRequest.safeParse({ ...common, country: "86", mobile: "13800000000" }).success).toBe(true)
    expect(UserInfoRequest.safeParse({ ...common, country: "86" }).success).toBe(false)
    expect(UserInfoRequest.safeParse({ ...common, email: "not-an-email" }).success).toBe(false)
  })

  it("withdraw: amount must be a decimal string, request_id ≤ 64", () => {
    const ok = { ...common, request_id: "wd-1", from_uid: 1, to_address: "0xabc", amount: "1.25", symbol: "ETH" }
    expect(WithdrawRequest.safeParse(ok).success).toBe(true)
    expect(WithdrawRequest.safeParse({ ...ok, amount: 1.25 }).success).toBe(false)
    expect(WithdrawRequest.safeParse({ ...ok, amount: "1,25" }).success).toBe(false)
    expect(WithdrawRequest.safeParse({ ...ok, request_id: "x".repeat(65) }).success).toBe(false)
    expect(WithdrawRequest.safeParse({ ...ok, focus_online: "2" }).success).toBe(false)
  })
})

describe("callback schemas (§3)", () => {
  it("a captured-style deposit notification: all strings, formatted times, extra keys", () => {
    const n = Notification.parse(depositNotificationCaptured)
    expect(n.side).toBe("deposit")
    expect(n).toMatchObject({ id: 2180, uid: 3529218, status: 1, confirmations: 12, amount: "0.0002000000000000" })
    expect(waasTimeToDate(n.created_at).toISOString()).toBe("2020-04-09T07:01:58.000Z")
    expect((n as Record<string, unknown>).sign).toBe("")
    expect(DepositNotification.safeParse(depositNotificationCaptured).success).toBe(true)
  })

  it("a withdraw notification carries request_id and fees", () => {
    const n = Notification.parse(withdrawNotification)
    expect(n.side).toBe("withdraw")
    if (n.side !== "withdraw") throw new Error("narrowing")
    expect(n.request_id).toBe("wd-000123")
    expect(n.real_fee).toBe("0.000420")
    expect(WithdrawNotification.parse(withdrawNotification).status).toBe(5)
  })

  it.each(["transfer", "Deposit", "", "withdrawal"])("an unknown side %j is rejected", (side) => {
    expect(Notification.safeParse({ ...depositNotificationCaptured, side }).success).toBe(false)
  })

  it("a missing side is rejected", () => {
    const { side: _omit, ...noSide } = depositNotificationCaptured
    expect(Notification.safeParse(noSide).success).toBe(false)
  })

  it.each([
    ["amount", "0,0002"],
    ["amount", "2e-4"],
    ["amount", 0.0002],
    ["amount", "-1"],
    ["amount", ""],
  ])("a deposit notification with %s %j is rejected", (field, value) => {
    expect(Notification.safeParse({ ...depositNotificationCaptured, [field]: value }).success).toBe(false)
  })

  it.each([
    ["withdraw_fee", "0.01 "],
    ["real_fee", "abc"],
  ])("a withdraw notification with %s %j is rejected", (field, value) => {
    expect(Notification.safeParse({ ...withdrawNotification, [field]: value }).success).toBe(false)
  })

  it("a notification with a non-numeric id or status is rejected", () => {
    expect(Notification.safeParse({ ...depositNotificationCaptured, id: "abc" }).success).toBe(false)
    expect(Notification.safeParse({ ...depositNotificationCaptured, status: "done" }).success).toBe(false)
  })

  it("withdraw confirmation request", () => {
    const req = {
      time: "1700000000000",
      charset: "UTF-8",
      version: "v2",
      request_id: "wd-1",
      from_uid: "3529218",
      to_address: "0xabc",
      amount: "1.25",
      symbol: "ETH",
      check_sum: "a1b2c3",
    }
    expect(WithdrawConfirmationRequest.parse(req)).toMatchObject({ from_uid: 3529218, check_sum: "a1b2c3" })
    expect(WithdrawConfirmationRequest.safeParse({ ...req, check_sum: "" }).success).toBe(false)
    expect(WithdrawConfirmationRequest.safeParse({ ...req, amount: "1.2.5" }).success).toBe(false)
  })
})

describe("calendar validity of formatted WaaS times", () => {
  it("rejects a well-shaped but impossible date instead of rolling it over", () => {
    expect(zWaasTime.safeParse("2020-13-45 99:99:99").success).toBe(false)
    expect(zWaasTime.safeParse("2021-02-29 10:00:00").success).toBe(false)
    expect(zWaasTime.safeParse("2024-02-29 23:59:59").success).toBe(true)
  })
})
