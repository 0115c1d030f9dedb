import {
  Decimal,
  ExactDecimal,
  formatDecimal,
  isDecimalString,
  parseDecimal,
  roundDownToDecimals,
  roundUpToDecimals,
} from "../decimal"
import { DecimalFormatError } from "../errors"

function expectRejected(input: unknown, options?: Parameters<typeof parseDecimal>[1]): DecimalFormatError {
  let caught: unknown
  try {
    parseDecimal(input, options)
  } catch (e) {
    caught = e
  }
  expect(caught).toBeInstanceOf(DecimalFormatError)
  return caught as DecimalFormatError
}

describe("parseDecimal", () => {
  it.each([
    ["0", "0"],
    ["1", "1"],
    ["1.5", "1.5"],
    ["2.99400066", "2.99400066"],
    ["64.97599802", "64.97599802"],
    ["0.0002000000000000", "0.0002"],
    ["123456789012345678901234567890.123456789012345678", "123456789012345678901234567890.123456789012345678"],
    ["007", "7"],
  ])("accepts %j", (input, canonical) => {
    const d = parseDecimal(input)
    expect(d).toBeInstanceOf(Decimal)
    expect(formatDecimal(d)).toBe(canonical)
  })

  it("keeps full precision (no binary float anywhere)", () => {
    const sum = parseDecimal("0.1").plus(parseDecimal("0.2"))
    expect(sum.equals(parseDecimal("0.3"))).toBe(true)
    expect(formatDecimal(parseDecimal("1.000000000000000001").minus("1"))).toBe("0.000000000000000001")
  })

  it("trailing zeros do not count against maxDecimals", () => {
    expect(formatDecimal(parseDecimal("0.0002000000000000", { maxDecimals: 8 }))).toBe("0.0002")
    expect(formatDecimal(parseDecimal("1.0", { maxDecimals: 0 }))).toBe("1")
    expect(formatDecimal(parseDecimal("1.12345678", { maxDecimals: 8 }))).toBe("1.12345678")
  })

  it("rejects more significant fraction digits than maxDecimals", () => {
    expectRejected("1.123456789", { maxDecimals: 8 })
    expectRejected("0.5", { maxDecimals: 0 })
    expectRejected("0.000000001000", { maxDecimals: 8 })
  })

  it.each([
    "1,5",
    "1e3",
    "1E3",
    "1e-3",
    "NaN",
    "Infinity",
    "-Infinity",
    "+1",
    " 1",
    "1 ",
    "1\n",
    "1.",
    ".5",
    "0x10",
    "0b1",
    "",
    "1.2.3",
    "--1",
    "-",
    "١٢", // Arabic-Indic digits: \d must mean ASCII only
    "１", // full-width digit
    "1_000",
  ])("rejects %j", (input) => {
    expectRejected(input)
  })

  it("rejects negatives unless allowNegative", () => {
    expectRejected("-1")
    expectRejected("-0")
    expectRejected("-0.5")
    expect(formatDecimal(parseDecimal("-1.50", { allowNegative: true }))).toBe("-1.5")
  })

  it("rejects zero only when allowZero is false", () => {
    expect(parseDecimal("0.000").isZero()).toBe(true)
    expectRejected("0", { allowZero: false })
    expectRejected("0.000", { allowZero: false })
    expect(parseDecimal("0.001", { allowZero: false }).isZero()).toBe(false)
  })

  it("rejects fractional and non-finite JS numbers but accepts safe integers", () => {
    expectRejected(0.1)
    expectRejected(1.5)
    expectRejected(Number.NaN)
    expectRejected(Number.POSITIVE_INFINITY)
    expectRejected(2 ** 53)
    expect(formatDecimal(parseDecimal(42))).toBe("42")
    expect(formatDecimal(parseDecimal(0))).toBe("0")
  })

  it("rejects non-strings, non-numbers and oversized input", () => {
    expectRejected(null)
    expectRejected(undefined)
    expectRejected({})
    expectRejected(BigInt(5))
    expectRejected(new ExactDecimal("1"))
    expectRejected("1".repeat(101))
  })

  it("the error carries the input, truncated in the message", () => {
    const e = expectRejected("1,5")
    expect(e.input).toBe("1,5")
    expect(e.name).toBe("DecimalFormatError")
    const long = expectRejected("9".repeat(200))
    expect(long.message.length).toBeLessThan(200)
  })

  it("isDecimalString mirrors parseDecimal", () => {
    expect(isDecimalString("1.5")).toBe(true)
    expect(isDecimalString("1e3")).toBe(false)
    expect(isDecimalString("1.123", { maxDecimals: 2 })).toBe(false)
    expect(isDecimalString(0.5)).toBe(false)
  })
})

describe("formatDecimal", () => {
  it.each([
    ["1.50", "1.5"],
    ["1.00", "1"],
    ["100", "100"],
    ["1000.000", "1000"],
    ["0.000", "0"],
    ["-0", "0"],
    ["0.10", "0.1"],
    ["-2.500", "-2.5"],
  ])("%j → %j", (input, out) => {
    expect(formatDecimal(input)).toBe(out)
  })

  it("never uses exponent notation", () => {
    expect(formatDecimal(new ExactDecimal("1e-20"))).toBe("0.00000000000000000001")
    expect(formatDecimal(new ExactDecimal("1e30"))).toBe("1000000000000000000000000000000")
    expect(formatDecimal(new Decimal("1e-9"))).toBe("0.000000001")
  })

  it("rejects non-finite values", () => {
    expect(() => formatDecimal(new Decimal(Infinity))).toThrow(DecimalFormatError)
    expect(() => formatDecimal(new Decimal(NaN))).toThrow(DecimalFormatError)
  })
})

describe("rounding helpers", () => {
  it("roundUpToDecimals rounds away from zero at the coin's precision", () => {
    expect(formatDecimal(roundUpToDecimals("1.000000001", 8))).toBe("1.00000001")
    expect(formatDecimal(roundUpToDecimals("0.123", 2))).toBe("0.13")
    expect(formatDecimal(roundUpToDecimals("0.12", 2))).toBe("0.12")
    expect(formatDecimal(roundUpToDecimals("5", 0))).toBe("5")
    expect(formatDecimal(roundUpToDecimals("5.0000001", 0))).toBe("6")
  })

  it("roundDownToDecimals truncates at the coin's precision", () => {
    expect(formatDecimal(roundDownToDecimals("1.999999999", 8))).toBe("1.99999999")
    expect(formatDecimal(roundDownToDecimals("0.129", 2))).toBe("0.12")
    expect(formatDecimal(roundDownToDecimals("0.12", 2))).toBe("0.12")
    expect(formatDecimal(roundDownToDecimals("5.9999", 0))).toBe("5")
  })

  it("is exact for long values (no float rounding)", () => {
    const v = "12345678901234567890.123456789012345678"
    expect(formatDecimal(roundDownToDecimals(v, 18))).toBe(v)
    expect(formatDecimal(roundUpToDecimals(v, 17))).toBe("12345678901234567890.12345678901234568")
    expect(formatDecimal(roundDownToDecimals(v, 17))).toBe("12345678901234567890.12345678901234567")
  })
})
