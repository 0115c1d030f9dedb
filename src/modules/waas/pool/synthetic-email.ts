import { randomBytes } from "node:crypto"

/** registerEmail accepts at most 100 characters (protocol §2.1) */
export const MAX_EMAIL_LENGTH = 100

/**
 * A unique address for one pool account, e.g. `pool-usdterc20-mbx7k2q1-9f3a0c5e7d1b2a4c6e8f@waas-pool.invalid`.
 * The symbol is in it so an operator can tell at the WaaS which pool a user belongs to; the time and 80
 * random bits make it unique across restarts and across stores sharing one merchant account.
 */
export function syntheticEmail(symbol: string, domain: string, now: Date): string {
  const slug = symbol.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 12) || "coin"
  const email = `pool-${slug}-${now.getTime().toString(36)}-${randomBytes(10).toString("hex")}@${domain}`
  if (email.length > MAX_EMAIL_LENGTH) throw new RangeError(`synthetic email longer than ${MAX_EMAIL_LENGTH} characters`)
  return email
}
