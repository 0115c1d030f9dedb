import type { WithdrawConfirmationRequest, WithdrawRecord } from "../../../protocol"
import { mismatches } from "../withdrawals/confirmation"
import { recordMismatch, targetStatus } from "../withdrawals/waas-records"
import { plainFailureReason } from "../withdrawals/failure-reasons"
import { transitionEvents } from "../withdrawals/withdrawal-events"
import type { WithdrawalRow } from "../withdrawals/withdrawal-sql"

const row = {
  request_id: "wreq_1",
  from_uid: "4242",
  to_address: "0x52908400098527886E0F7030069857D2E4169EE7",
  memo: null,
  symbol: "USDTERC20",
  amount: "38.0005",
  withdraw_type: null,
} as unknown as WithdrawalRow

describe("what the WaaS reports about a withdrawal", () => {
  it("statuses per protocol §2.17: pending ones keep it submitted, 5 completes, 2 and 4 fail, 6 cancels", () => {
    for (const s of [0, 1, 3, 7, 8]) expect(targetStatus({ status: s, withdraw_type: 1 }, null)).toBe("submitted")
    expect(targetStatus({ status: 5, withdraw_type: 1 }, null)).toBe("completed")
    expect(targetStatus({ status: 2, withdraw_type: 1 }, null)).toBe("failed")
    expect(targetStatus({ status: 4, withdraw_type: null }, 1)).toBe("failed")
    expect(targetStatus({ status: 6, withdraw_type: 1 }, null)).toBe("canceled")
  })

  it("an internal transfer (withdraw_type 2) uses 0 success / 1 failure, also when only the stored type says so", () => {
    expect(targetStatus({ status: 0, withdraw_type: 2 }, null)).toBe("completed")
    expect(targetStatus({ status: 1, withdraw_type: 2 }, null)).toBe("failed")
    expect(targetStatus({ status: 0, withdraw_type: null }, 2)).toBe("completed")
  })

  it("a record under our request_id that differs from what we sent is named field by field", () => {
    const record = { uid: 4242, symbol: "USDTERC20", address_to: row.to_address, amount: "38.00050" } as unknown as WithdrawRecord
    expect(recordMismatch(row, record)).toEqual([])
    expect(recordMismatch(row, { ...record, uid: 1, amount: "38.0006" } as WithdrawRecord)).toEqual(["uid", "amount"])
  })

  it("the second confirmation compares uid, address, symbol and the amount as a decimal", () => {
    const req = { request_id: "wreq_1", from_uid: 4242, to_address: row.to_address!, amount: "38.000500", symbol: "USDTERC20", check_sum: "x" } as WithdrawConfirmationRequest
    expect(mismatches(row, req)).toEqual([])
    expect(mismatches(row, { ...req, to_address: row.to_address!.toLowerCase() })).toEqual(["to_address"])
    expect(mismatches(row, { ...req, symbol: "ETH", amount: "38.0004" })).toEqual(["symbol", "amount"])
    expect(mismatches({ ...row, memo: "77" } as WithdrawalRow, { ...req, to_address: `${row.to_address}_77` })).toEqual([])
  })

  it("failures read in plain words with the WaaS's own message kept", () => {
    expect(plainFailureReason("120402", "balance low")).toBe(
      "the paying WaaS account does not hold enough of this coin: fund it, then request the refund again (WaaS: balance low)",
    )
    expect(plainFailureReason("999999")).toBe("the WaaS refused it: unknown WaaS error code")
  })

  it("events: one per transition, a withdrawal final in the withdraw answer also announces its submission", () => {
    expect(transitionEvents(null, "requested")).toEqual(["waas.withdrawal.requested"])
    expect(transitionEvents(null, "approved")).toEqual(["waas.withdrawal.requested", "waas.withdrawal.approved"])
    expect(transitionEvents("approved", "submitting")).toEqual([])
    expect(transitionEvents("submitting", "completed")).toEqual(["waas.withdrawal.submitted", "waas.withdrawal.completed"])
    expect(transitionEvents("submitted", "submitted")).toEqual([])
    expect(transitionEvents("submitting", "failed")).toEqual(["waas.withdrawal.failed"])
  })
})
