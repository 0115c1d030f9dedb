import { createHash, randomBytes, timingSafeEqual } from "node:crypto"

/**
 * The proof that a payment session's data came from the provider for that session. Medusa passes the
 * provider a session's `data`, and on some calls that data is exactly what the storefront sent (the
 * cleanup after a failed creation; the deletion of a session whose creation has not finished), so a
 * session id found there proves nothing: any shopper can write another shopper's session id into it. The
 * binding is 256 random bits stored with the crypto payment and returned only in that session's data,
 * which Medusa shows only to the storefront of the cart it belongs to (the public payment view leaves it out).
 */
export function newSessionBinding(): string {
  return randomBytes(32).toString("base64url")
}

/** constant-time: the hashes have equal lengths whatever was presented */
export function sessionBindingMatches(stored: string | null | undefined, presented: string | null | undefined): boolean {
  if (!stored || !presented) return false
  const digest = (v: string) => createHash("sha256").update(v, "utf8").digest()
  return timingSafeEqual(digest(stored), digest(presented))
}
