import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { PAYMENT_TABLE } from "./ledger-sql"
import { preparedRaw } from "../prepared-sql"

/**
 * The payment that held `address` when a deposit was created: the most recent claim at or before that
 * moment. Addresses are reused after a quarantine, so the address alone is not enough: an old transfer
 * to a reused address belongs to the payment that held it then (which may well be over), never to the
 * current holder. The symbol is deliberately not part of the match: a transfer in another coin to a
 * payment's address must be recognised as such (and orphaned), not as an unknown address.
 *
 * The deposit's time is the WaaS's, the claim's the store's. A WaaS clock running behind would date a prompt
 * transfer before its payment took the address, so a claim up to `graceSeconds` after the deposit still counts,
 * but only if the deposit is not older than the moment the address became free for that claim (the end of the
 * previous holder's quarantine, address_free_since): a transfer from the previous holder's time is never the new
 * holder's money. A claim that does not know that moment (address_free_since null) gets the grace only when no
 * earlier payment ever held the address.
 */
export async function findAddressHolder(
  trx: Knex.Transaction,
  address: string,
  at: Date,
  graceSeconds = 0,
): Promise<string | null> {
  // address_assigned_at is null only on rows written before the column existed: they took it at creation.
  // A payment that handed its address to a new session of the same cart holds it no more: that successor
  // inherited its address_assigned_at and is the one a transfer since then belongs to (checkout/cart-address.ts).
  const result = await preparedRaw<{ rows: Array<{ id: string }> }>(
    trx,
    "address_holder_v1",
    holderSubquery(":address", "CAST(:at AS timestamptz)", ":grace"),
    { address, at, grace: graceSeconds },
  )
  return result.rows[0]?.id ?? null
}

/** The holder query over SQL expressions for the address, the deposit's time and the grace: one deposit, or a page's (LATERAL). */
export function holderSubquery(address: string, at: string, grace: string): string {
  return `SELECT p.id FROM ${PAYMENT_TABLE} p
      WHERE p.address = ${address} AND p.deleted_at IS NULL AND p.address_handed_over_to IS NULL
        AND COALESCE(p.address_assigned_at, p.created_at) <= ${at} + make_interval(secs => ${grace})
        AND (
          COALESCE(p.address_assigned_at, p.created_at) <= ${at}
          OR p.address_free_since <= ${at}
          OR (p.address_free_since IS NULL AND NOT EXISTS (
                SELECT 1 FROM ${PAYMENT_TABLE} q
                 WHERE q.address = p.address AND q.deleted_at IS NULL AND q.id <> p.id
                   AND COALESCE(q.address_assigned_at, q.created_at) < COALESCE(p.address_assigned_at, p.created_at))))
      ORDER BY COALESCE(p.address_assigned_at, p.created_at) DESC, p.id DESC
      LIMIT 1`
}
