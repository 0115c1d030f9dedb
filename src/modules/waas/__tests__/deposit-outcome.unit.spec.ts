import {
  classifyTiming,
  decideDeposit,
  DepositEvents,
  HolderPayment,
  isCreditableAmount,
  outcomeEvents,
  PaymentLedger,
  settlePayment,
  UnapplicableDepositError,
} from "../deposits/outcome"
import { DepositMachine, DEPOSIT_STATUSES } from "../deposits/deposit-states"

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0)
const at = (minutes: number) => new Date(T0 + minutes * 60_000)

/** a USDT payment quoted at T0 for 15 minutes, monitored for another hour */
function holder(patch: Partial<HolderPayment> = {}): HolderPayment {
  return {
    id: "wcpay_1",
    status: "awaiting_payment",
    symbol: "USDTERC20",
    decimals: 6,
    expires_at: at(15),
    monitor_until: at(75),
    ...patch,
  }
}

const confirmed = (patch: Partial<{ amount: string; symbol: string; minute: number; status: number }> = {}) => ({
  waas_status: patch.status ?? 1,
  symbol: patch.symbol ?? "USDTERC20",
  amount: patch.amount ?? "35.000501",
  created_at: at(patch.minute ?? 5),
})

describe("deposit timing", () => {
  it("is on time up to and including expires_at, late up to and including monitor_until, then after the window", () => {
    const p = holder()
    expect(classifyTiming(at(0), p)).toBe("on_time")
    expect(classifyTiming(at(15), p)).toBe("on_time")
    expect(classifyTiming(new Date(at(15).getTime() + 1), p)).toBe("late")
    expect(classifyTiming(at(75), p)).toBe("late")
    expect(classifyTiming(new Date(at(75).getTime() + 1), p)).toBe("after_window")
  })
})

describe("creditable amounts", () => {
  it.each([
    ["35.000501", true],
    ["35.5000000", true], // trailing zeros add no precision
    ["0.000001", true],
    ["35.0000001", false], // more decimals than the coin
    ["0", false],
    ["0.000000", false],
    ["1,5", false],
    ["1e3", false],
    ["-1", false],
    ["", false],
  ])("%j → %s for a 6-decimal coin", (amount, ok) => {
    expect(isCreditableAmount(amount, 6)).toBe(ok)
  })
})

describe("decideDeposit", () => {
  it("statuses 0 and 4–6 stay pending (4–6 as a compliance review), 2 fails; none of them credits", () => {
    expect(decideDeposit(confirmed({ status: 0 }), holder(), "accept")).toEqual({
      status: "pending",
      payment_id: "wcpay_1",
      timing: "on_time",
    })
    for (const status of [4, 5, 6]) {
      expect(decideDeposit(confirmed({ status }), holder(), "accept").status).toBe("compliance_review")
    }
    expect(decideDeposit(confirmed({ status: 2 }), holder(), "accept").status).toBe("failed")
    expect(decideDeposit(confirmed({ status: 0 }), null, "accept")).toEqual({ status: "pending", payment_id: null, timing: null })
  })

  it("an unknown WaaS status is refused as unapplicable (the deposit is parked for review), not guessed", () => {
    expect(() => decideDeposit(confirmed({ status: 3 }), holder(), "accept")).toThrow(UnapplicableDepositError)
    expect(() => decideDeposit(confirmed({ status: 7 }), null, "hold")).toThrow(
      "the WaaS reports status 7, which the protocol does not document (0, 1, 2, 4, 5, 6)",
    )
  })

  it("a confirmed on-time deposit in the quoted coin credits the holder", () => {
    expect(decideDeposit(confirmed(), holder(), "hold")).toEqual({
      status: "credited",
      payment_id: "wcpay_1",
      timing: "on_time",
      late: false,
    })
    // an expired-by-the-job payment still takes a deposit created before its expiry
    expect(decideDeposit(confirmed({ minute: 14 }), holder({ status: "expired" }), "hold").status).toBe("credited")
  })

  it("a late deposit (inside the monitoring window) is credited under 'accept' and held under 'hold'", () => {
    expect(decideDeposit(confirmed({ minute: 30 }), holder({ status: "expired" }), "accept")).toEqual({
      status: "credited",
      payment_id: "wcpay_1",
      timing: "late",
      late: true,
    })
    expect(decideDeposit(confirmed({ minute: 30 }), holder({ status: "expired" }), "hold")).toEqual({
      status: "held",
      payment_id: "wcpay_1",
      timing: "late",
    })
  })

  it("orphans what no payment may take: no holder, another coin, after the window, a canceled payment, an impossible amount", () => {
    expect(decideDeposit(confirmed(), null, "accept")).toMatchObject({ status: "orphaned", reason: "unknown_address", payment_id: null })
    expect(decideDeposit(confirmed({ symbol: "ETH", amount: "0.01" }), holder(), "accept")).toMatchObject({
      status: "orphaned",
      reason: "wrong_coin",
      payment_id: "wcpay_1",
    })
    expect(decideDeposit(confirmed({ minute: 76 }), holder(), "accept")).toMatchObject({
      status: "orphaned",
      reason: "after_monitoring_window",
      timing: "after_window",
    })
    expect(decideDeposit(confirmed(), holder({ status: "canceled" }), "accept")).toMatchObject({
      status: "orphaned",
      reason: "payment_canceled",
    })
    expect(decideDeposit(confirmed({ amount: "1.0000001" }), holder(), "accept")).toMatchObject({
      status: "orphaned",
      reason: "invalid_amount",
    })
  })
})

function ledger(patch: Partial<PaymentLedger> = {}): PaymentLedger {
  return {
    status: "awaiting_payment",
    amount_due: "100",
    credits: [],
    reversals: [],
    held: 0,
    pending: [],
    tolerance: "0",
    expired: false,
    ...patch,
  }
}

describe("settlePayment", () => {
  it("derives received from the credit rows, exactly (no float drift)", () => {
    const tenths = Array.from({ length: 10 }, () => "0.1")
    const s = settlePayment(ledger({ amount_due: "1", credits: tenths }))
    expect(s).toEqual({ status: "paid", amount_received: "1", amount_pending: "0", amount_excess: "0" })
  })

  it("underpaid keeps the remainder open; a top-up completes it", () => {
    expect(settlePayment(ledger({ credits: ["60"] }))).toMatchObject({ status: "underpaid", amount_received: "60" })
    expect(settlePayment(ledger({ status: "underpaid", credits: ["60", "40"] }))).toMatchObject({ status: "paid", amount_received: "100" })
  })

  it("overpaid records the excess; paid can still become overpaid, never the other way", () => {
    expect(settlePayment(ledger({ credits: ["100.000001"] }))).toEqual({
      status: "overpaid",
      amount_received: "100.000001",
      amount_pending: "0",
      amount_excess: "0.000001",
    })
    expect(settlePayment(ledger({ status: "paid", credits: ["100", "5"] }))).toMatchObject({ status: "overpaid", amount_excess: "5" })
  })

  it("applies underpaymentTolerance as a fraction of the amount due", () => {
    expect(settlePayment(ledger({ tolerance: "0.005", credits: ["99.5"] })).status).toBe("paid")
    expect(settlePayment(ledger({ tolerance: "0.005", credits: ["99.499999"] })).status).toBe("underpaid")
  })

  it("a held late deposit holds the payment for an admin unless it is already paid", () => {
    expect(settlePayment(ledger({ status: "expired", expired: true, held: 1 })).status).toBe("late_held")
    expect(settlePayment(ledger({ status: "underpaid", credits: ["10"], held: 1 })).status).toBe("late_held")
    expect(settlePayment(ledger({ status: "paid", credits: ["100"], held: 1 })).status).toBe("paid")
    // the held deposit refunded and nothing credited: back to expired
    expect(settlePayment(ledger({ status: "late_held", expired: true })).status).toBe("expired")
  })

  it("a reversal takes its amount back out: a settled payment left short is reversed, the shortfall shown", () => {
    expect(settlePayment(ledger({ status: "paid", credits: ["100"], reversals: ["100"] }))).toEqual({
      status: "reversed",
      amount_received: "0",
      amount_pending: "0",
      amount_excess: "0",
    })
    expect(settlePayment(ledger({ status: "paid", credits: ["60", "40"], reversals: ["40"] }))).toMatchObject({
      status: "reversed",
      amount_received: "60",
    })
    // an underpaid or late-held payment whose credit is taken back is reversed too: an admin must see it
    expect(settlePayment(ledger({ status: "underpaid", credits: ["60"], reversals: ["60"] })).status).toBe("reversed")
    expect(settlePayment(ledger({ status: "late_held", credits: ["60"], reversals: ["60"], held: 1 })).status).toBe("reversed")
    // the reversed deposit was only the excess: still paid, the excess gone
    expect(settlePayment(ledger({ status: "overpaid", credits: ["100", "5"], reversals: ["5"] }))).toMatchObject({
      status: "paid",
      amount_excess: "0",
    })
    // a new deposit covering the shortfall pays it again
    expect(settlePayment(ledger({ status: "reversed", credits: ["100", "100"], reversals: ["100"] })).status).toBe("paid")
  })

  it("a paid payment stays paid when only the tolerance setting was lowered since (no reversal)", () => {
    expect(settlePayment(ledger({ status: "paid", tolerance: "0", credits: ["99.5"] })).status).toBe("paid")
  })

  it("nothing credited leaves the payment as it was; a canceled one stays canceled", () => {
    expect(settlePayment(ledger({ pending: ["100"] }))).toEqual({
      status: "awaiting_payment",
      amount_received: "0",
      amount_pending: "100",
      amount_excess: "0",
    })
    expect(settlePayment(ledger({ status: "expired", expired: true })).status).toBe("expired")
    // an unrelated application never expires a payment on the expiry job's behalf
    expect(settlePayment(ledger({ status: "awaiting_payment", expired: true })).status).toBe("awaiting_payment")
    expect(settlePayment(ledger({ status: "canceled", credits: [] })).status).toBe("canceled")
  })
})

describe("outcomeEvents", () => {
  it("a first on-time credit that settles the payment: received + paid", () => {
    expect(
      outcomeEvents({
        deposit: { before: null, after: "credited", late: false },
        payment: { before: "awaiting_payment", after: "paid" },
        credited_now: true,
      }),
    ).toEqual([DepositEvents.DEPOSIT_RECEIVED, DepositEvents.PAYMENT_PAID])
  })

  it("overpaying from scratch announces paid and overpaid; paid → overpaid only overpaid", () => {
    expect(
      outcomeEvents({
        deposit: { before: "pending", after: "credited", late: false },
        payment: { before: "awaiting_payment", after: "overpaid" },
        credited_now: true,
      }),
    ).toEqual([DepositEvents.DEPOSIT_RECEIVED, DepositEvents.PAYMENT_PAID, DepositEvents.PAYMENT_OVERPAID])
    expect(
      outcomeEvents({
        deposit: { before: null, after: "credited", late: false },
        payment: { before: "paid", after: "overpaid" },
        credited_now: true,
      }),
    ).toEqual([DepositEvents.DEPOSIT_RECEIVED, DepositEvents.PAYMENT_OVERPAID])
  })

  it("late, underpaid and orphaned each have their event; a repeat of the same facts emits nothing", () => {
    expect(
      outcomeEvents({ deposit: { before: null, after: "held", late: true }, payment: { before: "expired", after: "late_held" }, credited_now: false }),
    ).toEqual([DepositEvents.DEPOSIT_RECEIVED, DepositEvents.PAYMENT_LATE])
    expect(
      outcomeEvents({ deposit: { before: null, after: "credited", late: false }, payment: { before: "awaiting_payment", after: "underpaid" }, credited_now: true }),
    ).toEqual([DepositEvents.DEPOSIT_RECEIVED, DepositEvents.PAYMENT_UNDERPAID])
    expect(outcomeEvents({ deposit: { before: null, after: "orphaned", late: false }, payment: null, credited_now: false })).toEqual([
      DepositEvents.DEPOSIT_RECEIVED,
      DepositEvents.DEPOSIT_ORPHANED,
    ])
    expect(
      outcomeEvents({ deposit: { before: "credited", after: "credited", late: false }, payment: { before: "paid", after: "paid" }, credited_now: false }),
    ).toEqual([])
  })
})

describe("deposit state machine", () => {
  it("failed, reversed and refund_pending are final; a credit has one way out, its reversal", () => {
    for (const s of ["failed", "reversed", "refund_pending"] as const) expect(DepositMachine.isFinal(s)).toBe(true)
    expect(DEPOSIT_STATUSES.filter((to) => DepositMachine.can("credited", to))).toEqual(["reversed"])
    expect(DepositMachine.sourcesOf("reversed")).toEqual(["credited"])
    expect(DepositMachine.can("orphaned", "credited")).toBe(true)
    expect(DepositMachine.can("held", "refund_pending")).toBe(true)
    expect(DepositMachine.can("pending", "refund_pending")).toBe(false)
    expect(DepositMachine.sourcesOf("credited").sort()).toEqual(["compliance_review", "held", "needs_review", "orphaned", "pending"])
  })

  it("a parked record can become anything the WaaS's facts decide once it reads; nothing credited is parked", () => {
    expect(DepositMachine.sourcesOf("needs_review").sort()).toEqual(["compliance_review", "held", "orphaned", "pending"])
    for (const to of ["pending", "compliance_review", "credited", "held", "orphaned", "failed"] as const) {
      expect(DepositMachine.can("needs_review", to)).toBe(true)
    }
    // money that did not arrive leaves an admin nothing to decide
    for (const from of ["held", "orphaned"] as const) expect(DepositMachine.can(from, "failed")).toBe(true)
  })
})

describe("outcomeEvents for reversals and parked records", () => {
  it("announce the reversal and the parking once", () => {
    expect(
      outcomeEvents({ deposit: { before: "credited", after: "reversed", late: false }, payment: { before: "paid", after: "reversed" }, credited_now: false }),
    ).toEqual([DepositEvents.DEPOSIT_RECEIVED, DepositEvents.DEPOSIT_REVERSED])
    expect(outcomeEvents({ deposit: { before: null, after: "needs_review", late: false }, payment: null, credited_now: false })).toEqual([
      DepositEvents.DEPOSIT_RECEIVED,
      DepositEvents.DEPOSIT_NEEDS_REVIEW,
    ])
    expect(outcomeEvents({ deposit: { before: "needs_review", after: "needs_review", late: false }, payment: null, credited_now: false })).toEqual([])
  })
})
