import { DepositRecord, MinerFeeRecord, WithdrawRecord } from "../../../../protocol"
import { parseWaasOptions } from "../../options"
import { testOptions } from "../../__tests__/support/fixtures"
import { depositRow, isWithdrawStatusFinal, minerFeeRow, withdrawalRow } from "../mirror-rows"
import { isCalendarDay } from "../recon-options"

/** What the mirror stores of each WaaS record, and the reconciliation option's checks. */
describe("mirror rows", () => {
  it("canonical amounts, the WaaS's epoch-ms times, finality per protocol §2.17", () => {
    const d = depositRow(
      DepositRecord.parse({ id: 7, uid: 10001, symbol: "USDTERC20", amount: "35.0005010000", address_to: "0xabc", txid: "0x1", status: 0, created_at: 1700000000123, updated_at: 1700000000999 }),
      480,
    )
    expect(d).toMatchObject({ kind: "deposit", waas_id: "7", amount: "35.000501", status: 0, final: false, created_ms: 1700000000123 })
    expect(depositRow(DepositRecord.parse({ id: 8, uid: 1, symbol: "BTC", amount: "1", address_to: "bc1q", status: 2, created_at: 1, updated_at: 1 }), 480).final).toBe(true)
  })

  it("a withdrawal's fees, and an internal transfer's statuses (0 success, 1 failure) as final", () => {
    const w = withdrawalRow(
      WithdrawRecord.parse({ id: 3, request_id: "r-1", uid: 5, symbol: "USDTERC20", amount: "13.003", withdraw_fee_symbol: "USDTERC20", withdraw_fee: "3.0", fee_symbol: "ETH", real_fee: "0.00120", address_to: "0x1", status: 5, created_at: 5, updated_at: 6, withdraw_type: 1 }),
      480,
    )
    expect(w).toMatchObject({ withdraw_fee: "3", real_fee: "0.0012", fee_symbol: "ETH", request_id: "r-1", final: true, withdraw_type: 1 })
    expect([isWithdrawStatusFinal(0, 2), isWithdrawStatusFinal(1, 2), isWithdrawStatusFinal(3, 1), isWithdrawStatusFinal(6, 1)]).toEqual([true, true, false, true])
  })

  it("a miner fee's currency: base_symbol when given, else its own coin (protocol §2.13, an inference)", () => {
    const base = { id: 1, symbol: "USDTERC20", amount: "35", fee: "0.00065", status: 1, address_from: "0xa", created_at: 1, updated_at: 1 }
    expect(minerFeeRow(MinerFeeRecord.parse({ ...base, base_symbol: "ETH" }), 480).fee_symbol).toBe("ETH")
    expect(minerFeeRow(MinerFeeRecord.parse({ ...base, symbol: "ETH", base_symbol: "" }), 480).fee_symbol).toBe("ETH")
  })
})

describe("the reconciliation option", () => {
  it("defaults to UTC and a 30-minute settle delay; refuses an unknown zone and a day that does not exist", () => {
    expect(parseWaasOptions(testOptions()).reconciliation).toMatchObject({ timeZone: "UTC", settleDelayMinutes: 30, maxDaysPerTick: 7 })
    expect(parseWaasOptions(testOptions({ reconciliation: { timeZone: "Asia/Shanghai" } })).reconciliation.timeZone).toBe("Asia/Shanghai")
    expect(() => parseWaasOptions(testOptions({ reconciliation: { timeZone: "Mars/Olympus" } }))).toThrow('invalid option "reconciliation.timeZone"')
    expect(() => parseWaasOptions(testOptions({ reconciliation: { firstDay: "2026-02-30" } }))).toThrow('invalid option "reconciliation.firstDay"')
    expect([isCalendarDay("2026-12-01"), isCalendarDay("2026-13-01"), isCalendarDay("26-12-01")]).toEqual([true, false, false])
  })
})
