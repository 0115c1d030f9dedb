import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { newEntityId } from "../entity-id"

export const LIVE_FETCH_TABLE = "waas_live_address_fetch"

/** key of the transaction-scoped advisory lock that serialises the budget's count-then-insert */
const BUDGET_LOCK_KEY = "medusa-plugin-waas:live-address-fetch-budget"

const WINDOW_MS = 60_000
/** rows older than this are of no use to the count; kept a little for an operator looking at a burst */
const KEEP_MS = 60 * 60_000

/**
 * Takes one of the `budgetPerMinute` live address fetches of the last minute, or says no. Every live fetch
 * registers a WaaS user (never deletable), so an empty pool under a burst of checkouts must not turn into
 * unbounded registrations.
 *
 * The count and the insert run in ONE short transaction of their own, under a transaction-scoped advisory
 * lock: two instances (or two requests) can never both count "4 of 5" and both insert. The lock is released
 * at commit, before the caller talks to the WaaS: nothing waits on the WaaS while holding it. A slot is
 * spent whether the fetch then succeeds or not (a failed registerEmail may still have created the user).
 */
export async function takeLiveFetchSlot(
  db: Knex,
  args: { now: Date; budgetPerMinute: number; symbol: string; sessionId: string },
): Promise<boolean> {
  if (args.budgetPerMinute <= 0) return false
  return db.transaction(async (trx) => {
    await trx.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [BUDGET_LOCK_KEY])
    const since = new Date(args.now.getTime() - WINDOW_MS)
    await trx.raw(`DELETE FROM ${LIVE_FETCH_TABLE} WHERE fetched_at < ?`, [new Date(args.now.getTime() - KEEP_MS)])
    const counted = await trx.raw<{ rows: Array<{ count: string }> }>(
      `SELECT count(*) AS count FROM ${LIVE_FETCH_TABLE} WHERE fetched_at > ? AND deleted_at IS NULL`,
      [since],
    )
    if (Number(counted.rows[0].count) >= args.budgetPerMinute) return false
    await trx.raw(
      `INSERT INTO ${LIVE_FETCH_TABLE} (id, symbol, payment_session_id, fetched_at, created_at, updated_at)
       VALUES (:id, :symbol, :sessionId, :now, :now, :now)`,
      { id: newEntityId("wlive"), symbol: args.symbol, sessionId: args.sessionId, now: args.now },
    )
    return true
  })
}
