import { MAX_EMAIL_LENGTH, syntheticEmail } from "../pool/synthetic-email"

describe("synthetic pool emails", () => {
  const now = new Date("2026-11-23T12:00:00Z")

  it("names the pool symbol and is unique per call", () => {
    const a = syntheticEmail("USDTERC20", "waas-pool.invalid", now)
    const b = syntheticEmail("USDTERC20", "waas-pool.invalid", now)
    expect(a).toMatch(/^pool-usdterc20-[0-9a-z]+-[0-9a-f]{20}@waas-pool\.invalid$/)
    expect(a).not.toBe(b)
  })

  it("stays within the WaaS's 100 characters for the longest allowed domain and any symbol", () => {
    const domain = `${"a".repeat(40)}.invalid`.slice(0, 50)
    const email = syntheticEmail("A-VERY-LONG.SYMBOL_NAME-THAT-GOES-ON", domain, new Date(8.64e15))
    expect(email.length).toBeLessThanOrEqual(MAX_EMAIL_LENGTH)
    expect(email).toMatch(/^[^\s@]+@[^\s@]+\.[^\s@]+$/)
  })
})
