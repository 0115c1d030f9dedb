import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { MedusaError } from "@medusajs/framework/utils"
import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import { moveWithdrawal } from "./transitions"
import { lockWithdrawal, type WithdrawalRow } from "./withdrawal-sql"

/**
 * The one-time link a store sends a shopper so they can give their refund address without logging in.
 * Only the token's sha256 is stored; issuing a new link replaces the old one, and using it clears it.
 */
const hashOf = (token: string) => createHash("sha256").update(token, "utf8").digest("hex")

export async function issueAddressToken(
  trx: Knex.Transaction,
  id: string,
  ttlSeconds: number,
  actor: string | null,
  now: Date,
): Promise<{ withdrawal: WithdrawalRow; token: string; expires_at: Date }> {
  const row = await lockWithdrawal(trx, id)
  if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `withdrawal ${id} does not exist`)
  if (row.status !== "requested") throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `withdrawal ${id} is ${row.status}: its destination can no longer change`)
  const token = randomBytes(24).toString("base64url")
  const expires = new Date(now.getTime() + ttlSeconds * 1000)
  const withdrawal = await moveWithdrawal(
    trx,
    row,
    "requested",
    { address_token_hash: hashOf(token), address_token_expires_at: expires },
    { action: "address_link_issued", source: actor ? "admin" : "system", actor, detail: { expires_at: expires.toISOString() } },
    now,
  )
  return { withdrawal, token, expires_at: expires }
}

/** true when `token` is the live link of this withdrawal (constant-time comparison of the hashes) */
export function tokenMatches(row: WithdrawalRow, token: string, now: Date): boolean {
  if (!row.address_token_hash || !row.address_token_expires_at) return false
  if (new Date(row.address_token_expires_at).getTime() <= now.getTime()) return false
  const a = Buffer.from(row.address_token_hash, "hex")
  const b = Buffer.from(hashOf(token), "hex")
  return a.length === b.length && timingSafeEqual(a, b)
}
