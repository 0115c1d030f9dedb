import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { WaasAccountMachine, WaasAccountStatus } from "./address-states"
import { POOL_TABLE } from "./pool-sql"
import { newEntityId } from "../entity-id"

export const ACCOUNT_TABLE = "waas_account"

export interface AccountRow {
  id: string
  email: string
  symbol: string
  uid: string | null
  status: WaasAccountStatus
  attempts: number
}

const COLUMNS = "id, email, symbol, uid, status, attempts"

/** The registration intent, written BEFORE registerEmail so a crash can always be resumed by email. */
export async function insertPendingAccount(
  db: Knex,
  args: { email: string; symbol: string; now: Date },
): Promise<AccountRow> {
  const result = await db.raw<{ rows: AccountRow[] }>(
    `INSERT INTO ${ACCOUNT_TABLE} (id, email, symbol, status, attempts, created_at, updated_at)
     VALUES (:id, :email, :symbol, 'pending_registration', 0, :now, :now)
     RETURNING ${COLUMNS}`,
    { id: newEntityId("wacct"), email: args.email, symbol: args.symbol, now: args.now },
  )
  return result.rows[0]
}

/** Accounts of `symbol` that a previous run (or a crash) left without their pool address, oldest first. */
export async function listUnfinishedAccounts(db: Knex, symbol: string): Promise<AccountRow[]> {
  const result = await db.raw<{ rows: AccountRow[] }>(
    `SELECT ${COLUMNS} FROM ${ACCOUNT_TABLE}
      WHERE symbol = ? AND status IN ('pending_registration', 'registered') AND deleted_at IS NULL
      ORDER BY created_at ASC, id ASC`,
    [symbol],
  )
  return result.rows
}

/** Every account counts against the WaaS's per-merchant user cap, finished or not. */
export async function countAccounts(db: Knex): Promise<number> {
  const result = await db.raw<{ rows: Array<{ count: string }> }>(
    `SELECT count(*) AS count FROM ${ACCOUNT_TABLE} WHERE deleted_at IS NULL`,
  )
  return Number(result.rows[0].count)
}

export async function markAccountRegistered(db: Knex, args: { id: string; uid: string; now: Date }): Promise<void> {
  WaasAccountMachine.assertTransition("pending_registration", "registered")
  await db.raw(
    `UPDATE ${ACCOUNT_TABLE}
        SET status = 'registered', uid = :uid, registered_at = :now, last_error = NULL, updated_at = :now
      WHERE id = :id AND status = 'pending_registration'`,
    { id: args.id, uid: args.uid, now: args.now },
  )
}

export async function recordAccountAttempt(db: Knex, args: { id: string; error: string | null; now: Date }): Promise<void> {
  await db.raw(
    `UPDATE ${ACCOUNT_TABLE} SET attempts = attempts + 1, last_error = :error, updated_at = :now WHERE id = :id`,
    { id: args.id, error: args.error === null ? null : args.error.slice(0, 500), now: args.now },
  )
}

export class AddressConflictError extends Error {
  constructor(symbol: string, address: string, uid: string) {
    super(`the WaaS returned ${symbol} address ${address} for uid ${uid}, but the pool already holds it for another account`)
    this.name = "AddressConflictError"
  }
}

/** An address fetched live is kept for the payment session that fetched it, until `until`. */
export interface AddressReservation {
  sessionId: string
  until: Date
}

/**
 * Stores the account's one address in the pool and marks the account provisioned, in one transaction.
 * A repeat (two workers completing the same account) hits the unique indexes and is a no-op; the id of
 * whichever row won is returned either way.
 */
export async function storeAccountAddress(
  db: Knex,
  args: { account: AccountRow; uid: string; address: string; memo: string | null; now: Date; reservation?: AddressReservation },
): Promise<string> {
  WaasAccountMachine.assertTransition("registered", "provisioned")
  return db.transaction(async (trx) => {
    await trx.raw(
      `INSERT INTO ${POOL_TABLE}
         (id, symbol, address, memo, uid, account_id, status, reserved_for, reserved_until, created_at, updated_at)
       VALUES (:id, :symbol, :address, :memo, :uid, :accountId, 'available', :reservedFor, :reservedUntil, :now, :now)
       ON CONFLICT DO NOTHING`,
      {
        id: newEntityId("wpaddr"),
        symbol: args.account.symbol,
        address: args.address,
        memo: args.memo,
        uid: args.uid,
        accountId: args.account.id,
        reservedFor: args.reservation?.sessionId ?? null,
        reservedUntil: args.reservation?.until ?? null,
        now: args.now,
      },
    )
    const stored = await trx.raw<{ rows: Array<{ id: string }> }>(
      `SELECT id FROM ${POOL_TABLE} WHERE account_id = ? AND deleted_at IS NULL`,
      [args.account.id],
    )
    if (!stored.rows[0]) throw new AddressConflictError(args.account.symbol, args.address, args.uid)
    await trx.raw(
      `UPDATE ${ACCOUNT_TABLE} SET status = 'provisioned', last_error = NULL, updated_at = :now
        WHERE id = :id AND status = 'registered'`,
      { id: args.account.id, now: args.now },
    )
    return stored.rows[0].id
  })
}
