import { IllegalStateTransitionError } from "../errors"
import { CRYPTO_PAYMENT_STATUSES, CryptoPaymentMachine } from "../checkout/payment-states"
import { POOL_ADDRESS_STATUSES, PoolAddressMachine, WaasAccountMachine } from "../pool/address-states"
import { StateMachine } from "../state-machine"

describe("state machines", () => {
  it("pool address: the checkout cycle and its exits", () => {
    const allowed = POOL_ADDRESS_STATUSES.flatMap((from) =>
      POOL_ADDRESS_STATUSES.filter((to) => PoolAddressMachine.can(from, to)).map((to) => `${from}→${to}`),
    )
    expect(allowed.sort()).toEqual(
      [
        "available→assigned",
        "available→retired",
        "assigned→available",
        "assigned→cooling",
        "assigned→retired",
        "cooling→available",
        "cooling→retired",
        // only back to the same cart (checkout/cart-address.ts); ordinary claims take available rows only
        "cooling→assigned",
      ].sort(),
    )
    expect(PoolAddressMachine.sourcesOf("assigned")).toEqual(["available", "cooling"])
  })

  it("a retired address never comes back; a cooling one never goes straight back to the pool", () => {
    expect(() => PoolAddressMachine.assertTransition("retired", "available")).toThrow(
      new IllegalStateTransitionError("pool address", "retired", "available"),
    )
    for (const to of POOL_ADDRESS_STATUSES) {
      expect(PoolAddressMachine.can("retired", to)).toBe(false)
    }
    expect(PoolAddressMachine.isFinal("retired")).toBe(true)
  })

  it("crypto payment: canceled is final; expiry can be re-quoted away", () => {
    for (const to of CRYPTO_PAYMENT_STATUSES) expect(CryptoPaymentMachine.can("canceled", to)).toBe(false)
    expect(CryptoPaymentMachine.can("awaiting_payment", "expired")).toBe(true)
    expect(CryptoPaymentMachine.can("expired", "awaiting_payment")).toBe(true)
    expect(CryptoPaymentMachine.sourcesOf("expired").sort()).toEqual(["awaiting_payment", "late_held"])
    let e: unknown
    try {
      CryptoPaymentMachine.assertTransition("canceled", "awaiting_payment")
    } catch (error) {
      e = error
    }
    expect(e).toBeInstanceOf(IllegalStateTransitionError)
    expect(e).toMatchObject({ machine: "crypto payment", from: "canceled", to: "awaiting_payment", type: "not_allowed" })
  })

  it("crypto payment: deposits settle it forward; only a reversal takes a settled payment back", () => {
    const allowed = CRYPTO_PAYMENT_STATUSES.flatMap((from) =>
      CRYPTO_PAYMENT_STATUSES.filter((to) => CryptoPaymentMachine.can(from, to)).map((to) => `${from}→${to}`),
    )
    expect(allowed.filter((edge) => /^(paid|overpaid|reversed)→/.test(edge)).sort()).toEqual(
      ["paid→overpaid", "paid→reversed", "overpaid→paid", "overpaid→reversed", "reversed→paid", "reversed→overpaid"].sort(),
    )
    expect(CryptoPaymentMachine.sourcesOf("reversed").sort()).toEqual(["late_held", "overpaid", "paid", "underpaid"])
    expect(CryptoPaymentMachine.isFinal("canceled")).toBe(true)
    for (const from of ["paid", "overpaid", "underpaid", "reversed"] as const) {
      expect(CryptoPaymentMachine.can(from, "awaiting_payment")).toBe(false)
      expect(CryptoPaymentMachine.can(from, "expired")).toBe(false)
      expect(CryptoPaymentMachine.can(from, "canceled")).toBe(false)
    }
    expect(CryptoPaymentMachine.sourcesOf("paid").sort()).toEqual(["awaiting_payment", "expired", "late_held", "overpaid", "reversed", "underpaid"])
  })

  it("waas account: registration is one way", () => {
    expect(WaasAccountMachine.can("pending_registration", "registered")).toBe(true)
    expect(WaasAccountMachine.can("registered", "pending_registration")).toBe(false)
    expect(WaasAccountMachine.can("pending_registration", "provisioned")).toBe(false)
  })

  it("refuses to define a final state with a way out", () => {
    expect(() => new StateMachine<"a" | "b">("broken", { a: ["b"], b: ["a"] }, ["b"])).toThrow(
      'broken: final state "b" must have no outgoing transitions',
    )
  })
})
