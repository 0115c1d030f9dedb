import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { TestDatabaseUtils } from "@medusajs/test-utils"
import { ModulesSdkUtils } from "@medusajs/framework/utils"

/**
 * What Postgres itself says about the module's connections and advisory locks, for the lock and
 * shutdown specs. The spec gives the module a connection pool of its own (PG_CONNECTION), so it can tell
 * the pool's backends apart from any other session.
 */

/** the database moduleIntegrationTestRunner uses for this module in this jest worker */
export function moduleTestDbName(): string {
  return `medusa-waas-integration-${parseInt(process.env.JEST_WORKER_ID || "1")}`
}

/** A pool like the one Medusa shares with its modules (`createPgConnection`), on the module test database. */
export function modulePool(pool: Record<string, number> = {}): Knex {
  return ModulesSdkUtils.createPgConnection({
    clientUrl: TestDatabaseUtils.getDatabaseURL(moduleTestDbName()),
    schema: "public",
    pool,
  }) as unknown as Knex
}

interface TarnResource {
  resource: { processID?: number }
}

/** backend pids of every connection the pool holds right now, in use or idle */
export function pooledBackendPids(db: Knex): number[] {
  const pool = (db.client as { pool?: { used: TarnResource[]; free: TarnResource[] } }).pool
  if (!pool) return []
  return [...pool.used, ...pool.free].map((r) => r.resource.processID).filter((pid): pid is number => typeof pid === "number")
}

export interface LockHolder {
  pid: number
  state: string | null
  /**
   * the holder has a transaction open beyond the statement it may be running (a transaction-level
   * lock, or a session parked in a transaction). A session caught inside a single autocommit
   * statement (its `pg_try_advisory_lock` still returning, say) has an implicit transaction whose
   * start equals the statement's start: that is not a transaction kept open, and does not count.
   */
  in_transaction: boolean
}

/** sessions holding an advisory lock in this database */
export async function advisoryLockHolders(db: Knex): Promise<LockHolder[]> {
  const result = await db.raw<{ rows: LockHolder[] }>(
    `SELECT l.pid, a.state,
            (a.xact_start IS NOT NULL AND (a.state <> 'active' OR a.xact_start < a.query_start)) AS in_transaction
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY l.pid`,
  )
  return result.rows
}

/** sessions of this database sitting idle inside an open transaction */
export async function idleInTransaction(db: Knex): Promise<number[]> {
  const result = await db.raw<{ rows: Array<{ pid: number }> }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%' ORDER BY pid`,
  )
  return result.rows.map((r) => r.pid)
}

/** of the given backend pids, those still connected */
export async function liveBackends(db: Knex, pids: number[]): Promise<number[]> {
  if (pids.length === 0) return []
  const result = await db.raw<{ rows: Array<{ pid: number }> }>(`SELECT pid FROM pg_stat_activity WHERE pid = ANY(?::int[])`, [pids])
  return result.rows.map((r) => r.pid)
}

/** Polls `probe` until it returns something truthy (a wait for a state, not a measurement). */
export async function waitUntil<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}
