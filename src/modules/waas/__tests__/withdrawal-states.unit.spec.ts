import { IllegalStateTransitionError } from "../errors"
import { WITHDRAWAL_STATUSES, WithdrawalMachine } from "../withdrawals/withdrawal-states"

describe("withdrawal state machine", () => {
  it("allows exactly the refund path and its exits", () => {
    const allowed = WITHDRAWAL_STATUSES.flatMap((from) =>
      WITHDRAWAL_STATUSES.filter((to) => WithdrawalMachine.can(from, to)).map((to) => `${from}→${to}`),
    )
    expect(allowed.sort()).toEqual(
      [
        "requested→approved",
        "requested→rejected",
        "requested→canceled",
        "approved→submitting",
        "approved→canceled",
        "submitting→submitted",
        "submitting→failed",
        "submitted→completed",
        "submitted→failed",
        "submitted→canceled",
      ].sort(),
    )
  })

  it("completed, rejected, canceled and failed are final", () => {
    for (const final of ["completed", "rejected", "canceled", "failed"] as const) {
      expect(WithdrawalMachine.isFinal(final)).toBe(true)
      for (const to of WITHDRAWAL_STATUSES) expect(WithdrawalMachine.can(final, to)).toBe(false)
    }
  })

  it("nothing reaches the WaaS without approval, and a withdrawal in flight cannot be canceled by us", () => {
    expect(() => WithdrawalMachine.assertTransition("requested", "submitting")).toThrow(IllegalStateTransitionError)
    expect(WithdrawalMachine.can("submitting", "canceled")).toBe(false)
    expect(WithdrawalMachine.sourcesOf("submitting")).toEqual(["approved"])
  })
})
