import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { CryptoPaymentStatus, STATUSES_HOLDING_ADDRESS_PAST_WINDOW } from "../checkout/payment-states"
import { PoolAddressMachine, PoolAddressStatus } from "./address-states"
import { claimPickedCte, pickAddressCtes } from "./pick-address-sql"

/**
 * The pool's row-level SQL. Everything that changes an address's status lives here, each statement
 * guarded by "status IN (the states the table allows this move from)", so a row that another worker has
 * moved meanwhile is simply not matched, never overwritten.
 */

export const POOL_TABLE = "waas_pool_address"
export const PAYMENT_TABLE = "waas_crypto_payment"

export interface ClaimedAddress {
  id: string
  symbol: string
  address: string
  memo: string | null
  uid: string
  /** when the address became free before this claim (its last quarantine's end, or its release); null: never held */
  free_since?: Date | null
}

/**
 * Status lists come from the state-machine tables (our constants, never input); they are inlined as SQL
 * literals after a charset check because knex's raw bindings have no portable array form.
 */
export function statusList(values: readonly string[]): string {
  if (values.length === 0) throw new Error("statusList: empty")
  for (const v of values) if (!/^[a-z_]+$/.test(v)) throw new Error(`statusList: unexpected status ${JSON.stringify(v)}`)
  return values.map((v) => `'${v}'`).join(", ")
}

/**
 * Takes one available address of `symbol` for `paymentId`, in ONE statement: the pick (pick-address-sql.ts:
 * FOR UPDATE SKIP LOCKED, in the claim order, an index read flat in the pool's size) and the UPDATE that
 * marks it assigned. Returns null when none is free. An address fetched live for another session
 * (reserved_for, until reserved_until) is skipped; one reserved for `sessionId` comes first. Only
 * `available` rows: the cooling → assigned edge belongs to handOverAddress alone.
 * Must run inside the caller's transaction so the claim and the payment row commit together.
 */
export async function claimAvailableAddress(
  db: Knex | Knex.Transaction,
  args: { symbol: string; paymentId: string; now: Date; sessionId?: string },
): Promise<ClaimedAddress | null> {
  PoolAddressMachine.assertTransition("available", "assigned")
  const result = await db.raw<{ rows: ClaimedAddress[] }>(
    `WITH ${pickAddressCtes(POOL_TABLE)},
     ${claimPickedCte(POOL_TABLE)}
     SELECT * FROM claimed`,
    { symbol: args.symbol, paymentId: args.paymentId, now: args.now, sessionId: args.sessionId ?? null },
  )
  return result.rows[0] ?? null
}

/**
 * Gives a cart's address from its previous payment to its new one (checkout/cart-address.ts decides
 * when): `assigned` stays assigned with the new holder; `cooling` (the old session was deleted first)
 * goes back to assigned, the one cooling → assigned move (see address-states.ts). Returns null when
 * `fromPaymentId` no longer has it.
 */
export async function handOverAddress(
  db: Knex.Transaction,
  args: { addressId: string; fromPaymentId: string; toPaymentId: string; now: Date },
): Promise<ClaimedAddress | null> {
  PoolAddressMachine.assertTransition("cooling", "assigned")
  const result = await db.raw<{ rows: ClaimedAddress[] }>(
    `UPDATE ${POOL_TABLE}
        SET status = 'assigned', crypto_payment_id = :to, cooling_until = NULL, updated_at = :now
      WHERE id = :addressId AND crypto_payment_id = :from AND status IN ('assigned', 'cooling') AND deleted_at IS NULL
      RETURNING id, symbol, address, memo, uid`,
    { addressId: args.addressId, from: args.fromPaymentId, to: args.toPaymentId, now: args.now },
  )
  return result.rows[0] ?? null
}

/**
 * Moves the address a payment holds out of `assigned`: back to `available` (no deposit was ever seen),
 * or into `cooling` / `retired`. Returns false when the payment did not hold it (already released).
 */
export async function releaseHeldAddress(
  db: Knex | Knex.Transaction,
  args: { addressId: string; paymentId: string; to: "available" | "cooling" | "retired"; now: Date; coolingUntil?: Date },
): Promise<boolean> {
  if (args.to === "cooling" && !args.coolingUntil) throw new Error("releaseHeldAddress: cooling needs coolingUntil")
  PoolAddressMachine.assertTransition("assigned", args.to)
  const result = await db.raw<{ rowCount: number }>(
    `UPDATE ${POOL_TABLE}
        SET status = :to,
            crypto_payment_id = CASE WHEN :to = 'available' THEN NULL ELSE crypto_payment_id END,
            assigned_at = CASE WHEN :to = 'available' THEN NULL ELSE assigned_at END,
            released_at = :now, cooling_until = :coolingUntil, updated_at = :now
      WHERE id = :addressId AND crypto_payment_id = :paymentId AND status = 'assigned' AND deleted_at IS NULL`,
    {
      to: args.to,
      now: args.now,
      coolingUntil: args.to === "cooling" ? args.coolingUntil! : null,
      addressId: args.addressId,
      paymentId: args.paymentId,
    },
  )
  return result.rowCount > 0
}

/** Locks the address row for the rest of the transaction; its status and holder (null: no such row). */
export async function lockAddressRow(
  db: Knex.Transaction,
  addressId: string,
): Promise<{ status: PoolAddressStatus; crypto_payment_id: string | null } | null> {
  const result = await db.raw<{ rows: Array<{ status: PoolAddressStatus; crypto_payment_id: string | null }> }>(
    `SELECT status, crypto_payment_id FROM ${POOL_TABLE} WHERE id = ? AND deleted_at IS NULL FOR UPDATE`,
    [addressId],
  )
  return result.rows[0] ?? null
}

/** Locks the address row and says whether `paymentId` still holds it (assigned to that payment). */
export async function lockHeldAddress(db: Knex.Transaction, args: { addressId: string; paymentId: string }): Promise<boolean> {
  const row = await lockAddressRow(db, args.addressId)
  return row?.status === "assigned" && row.crypto_payment_id === args.paymentId
}

/**
 * After a payment's monitoring window (monitor_until) its address leaves it: into `cooling` until
 * `coolingUntil` (quarantine mode), or `retired` (reuse "never"). Payments still waiting for funds keep
 * their address; the expiry job moves them out of those states first.
 */
export async function releaseAddressesAfterMonitoring(
  db: Knex,
  args: { now: Date; to: "cooling" | "retired"; coolingUntil: Date | null },
): Promise<number> {
  PoolAddressMachine.assertTransition("assigned", args.to)
  const waiting: readonly CryptoPaymentStatus[] = STATUSES_HOLDING_ADDRESS_PAST_WINDOW
  const result = await db.raw<{ rowCount: number }>(
    `UPDATE ${POOL_TABLE} a
        SET status = :to, released_at = :now, cooling_until = :coolingUntil, updated_at = :now
       FROM ${PAYMENT_TABLE} p
      WHERE a.status = 'assigned' AND a.deleted_at IS NULL
        AND p.id = a.crypto_payment_id
        AND p.monitor_until <= :now
        AND p.status NOT IN (${statusList(waiting)})`,
    { to: args.to, now: args.now, coolingUntil: args.coolingUntil },
  )
  return result.rowCount
}

/**
 * Ends the quarantine of cooled addresses: back to `available`, or `retired` when reuse is off. cooling_until
 * stays: the next claim records it as the moment the previous holder's time ended.
 */
export async function endCooling(db: Knex, args: { now: Date; to: "available" | "retired" }): Promise<number> {
  PoolAddressMachine.assertTransition("cooling", args.to)
  const result = await db.raw<{ rowCount: number }>(
    `UPDATE ${POOL_TABLE}
        SET status = :to,
            crypto_payment_id = CASE WHEN :to = 'available' THEN NULL ELSE crypto_payment_id END,
            assigned_at = CASE WHEN :to = 'available' THEN NULL ELSE assigned_at END,
            updated_at = :now
      WHERE status = 'cooling' AND deleted_at IS NULL
        ${args.to === "available" ? "AND cooling_until <= :now" : ""}`,
    { to: args.to, now: args.now },
  )
  return result.rowCount
}

export interface StatusCount {
  symbol: string
  status: PoolAddressStatus
  count: number
}

export async function countAddressesByStatus(db: Knex): Promise<StatusCount[]> {
  const result = await db.raw<{ rows: Array<{ symbol: string; status: PoolAddressStatus; count: string }> }>(
    `SELECT symbol, status, count(*) AS count FROM ${POOL_TABLE} WHERE deleted_at IS NULL GROUP BY symbol, status`,
  )
  return result.rows.map((r) => ({ symbol: r.symbol, status: r.status, count: Number(r.count) }))
}

/** whether the pool ever held an address for `symbol` (in any state): false means it was never filled */
export async function poolEverFilled(db: Knex, symbol: string): Promise<boolean> {
  const result = await db.raw<{ rows: Array<{ found: boolean }> }>(
    `SELECT EXISTS (SELECT 1 FROM ${POOL_TABLE} WHERE symbol = ? AND deleted_at IS NULL) AS found`,
    [symbol],
  )
  return result.rows[0].found === true
}

export async function countAvailable(db: Knex, symbol: string): Promise<number> {
  const result = await db.raw<{ rows: Array<{ count: string }> }>(
    `SELECT count(*) AS count FROM ${POOL_TABLE} WHERE symbol = ? AND status = 'available' AND deleted_at IS NULL`,
    [symbol],
  )
  return Number(result.rows[0].count)
}
