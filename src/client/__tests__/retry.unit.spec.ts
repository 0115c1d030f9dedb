import { WaasBusinessError, WaasCryptoError, WaasResponseError, WaasTransportError } from "../../protocol/errors"
import { backoffDelay, isRetryable } from "../retry"

describe("isRetryable", () => {
  it("retries timeouts, network errors, 5xx, 408 and 429", () => {
    expect(isRetryable(new WaasTransportError("/x", "timeout", "t"))).toBe(true)
    expect(isRetryable(new WaasTransportError("/x", "network", "n"))).toBe(true)
    for (const s of [500, 502, 503, 504, 408, 429]) {
      expect(isRetryable(new WaasTransportError("/x", "http_status", "s", s))).toBe(true)
    }
  })

  it("does not retry other HTTP statuses", () => {
    for (const s of [400, 401, 403, 404, 302]) {
      expect(isRetryable(new WaasTransportError("/x", "http_status", "s", s))).toBe(false)
    }
  })

  it("retries the WaaS system error 100001 only among business errors", () => {
    expect(isRetryable(new WaasBusinessError("/x", "100001", "system error"))).toBe(true)
    for (const code of ["100004", "100005", "100015", "110065", "110088", "120402"]) {
      expect(isRetryable(new WaasBusinessError("/x", code, ""))).toBe(false)
    }
  })

  it("never retries crypto, shape or unknown errors", () => {
    expect(isRetryable(new WaasCryptoError("bad_block", "x"))).toBe(false)
    expect(isRetryable(new WaasResponseError("/x", ["y"]))).toBe(false)
    expect(isRetryable(new Error("boom"))).toBe(false)
    expect(isRetryable("string")).toBe(false)
  })
})

describe("backoffDelay (exponential, full jitter)", () => {
  it("the ceiling doubles per attempt up to the maximum", () => {
    const almostOne = () => 0.999999
    expect(backoffDelay(0, 200, 2000, almostOne)).toBe(199)
    expect(backoffDelay(1, 200, 2000, almostOne)).toBe(399)
    expect(backoffDelay(2, 200, 2000, almostOne)).toBe(799)
    expect(backoffDelay(3, 200, 2000, almostOne)).toBe(1599)
    expect(backoffDelay(4, 200, 2000, almostOne)).toBe(1999)
    expect(backoffDelay(60, 200, 2000, almostOne)).toBe(1999)
  })

  it("the delay is uniform in [0, ceiling)", () => {
    expect(backoffDelay(3, 200, 2000, () => 0)).toBe(0)
    expect(backoffDelay(3, 200, 2000, () => 0.5)).toBe(800)
    const samples = Array.from({ length: 500 }, () => backoffDelay(2, 100, 10_000))
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...samples)).toBeLessThan(400)
    expect(new Set(samples).size).toBeGreaterThan(50) // actually jittered
  })
})
