import { ExactDecimal, formatDecimal } from "../../../protocol"
import { approvalsRequired, cryptoForFiat, fiatForCrypto, splitFee } from "../withdrawals/refund-amounts"

const d = (v: string) => new ExactDecimal(v)

describe("refund amounts", () => {
  it("crypto for fiat is rounded DOWN to the coin's decimals (never one unit more than the fiat is worth)", () => {
    expect(formatDecimal(cryptoForFiat(d("10"), d("3000"), 18))).toBe("0.003333333333333333")
    expect(formatDecimal(cryptoForFiat(d("24.99"), d("0.9997"), 6))).toBe("24.997499")
    // less than one satoshi's worth is nothing
    expect(formatDecimal(cryptoForFiat(d("0.0001"), d("65000"), 8))).toBe("0")
    expect(() => cryptoForFiat(d("1"), d("0"), 8)).toThrow(RangeError)
  })

  it("fiat for an exact crypto amount at the locked rate is rounded down to cents", () => {
    expect(formatDecimal(fiatForCrypto(d("0.003333333333333333"), d("3000")))).toBe("9.99")
  })

  it("the service fee: on top when the merchant bears it, off the refund when the shopper does, unknown stays unknown", () => {
    expect(splitFee(d("10"), d("3"), "merchant")).toEqual({ amount: "13", receive_amount: "10" })
    expect(splitFee(d("10"), d("3"), "shopper")).toEqual({ amount: "10", receive_amount: "7" })
    expect(splitFee(d("10"), null, "merchant")).toEqual({ amount: "10", receive_amount: null })
    expect(splitFee(d("10"), null, "shopper")).toEqual({ amount: "10", receive_amount: null })
  })

  it("approvals: the base option, raised by the highest tier a fiat amount exceeds, per currency", () => {
    const o = { approvals: 1, approvalTiers: [{ currency: "usd", above: "100", approvals: 2 }, { currency: "usd", above: "1000", approvals: 3 }] }
    expect(approvalsRequired(o, "100", "usd")).toBe(1)
    expect(approvalsRequired(o, "100.01", "USD")).toBe(2)
    expect(approvalsRequired(o, "5000", "usd")).toBe(3)
    expect(approvalsRequired(o, "5000", "eur")).toBe(1)
    expect(approvalsRequired(o, null, null)).toBe(1)
    expect(approvalsRequired({ approvals: 0, approvalTiers: [] }, "5000", "usd")).toBe(0)
  })
})
