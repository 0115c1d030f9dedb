import type { Knex, SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import type { Context } from "@medusajs/framework/types"

/** The knex transaction of a context from @InjectTransactionManager. */
export function transactionOf(sharedContext: Context): Knex.Transaction {
  const manager = sharedContext.transactionManager as SqlEntityManager | undefined
  const trx = manager?.getTransactionContext()
  if (!trx) throw new Error("medusa-plugin-waas: expected to run inside a transaction")
  return trx as Knex.Transaction
}

/** A knex for raw SQL: the context's transaction when there is one, else its manager's connection. */
export function knexOf(sharedContext: Context): Knex {
  const manager = (sharedContext.transactionManager ?? sharedContext.manager) as SqlEntityManager | undefined
  if (!manager) throw new Error("medusa-plugin-waas: expected an entity manager in the context")
  return (manager.getTransactionContext() as Knex | undefined) ?? manager.getKnex()
}

/** the slice of node-postgres' Client that a dedicated lock session uses */
interface PgSession {
  query(sql: string, params: unknown[]): Promise<{ rows: Array<{ ok: boolean }> }>
}

export type LockOutcome<T> = { acquired: true; value: T } | { acquired: false }

/**
 * Runs `fn` while holding a session-level advisory lock on a connection of its own, outside the pool;
 * `{ acquired: false }` (without running `fn`) when another session holds it.
 *
 * The lock's session does nothing else and is never a pooled connection: a lock held by a pooled connection
 * (in a transaction, as before) keeps that connection checked out for the whole run while the run's own
 * queries need others, and at shutdown the pool waits for it while the run waits for the pool. A holder
 * that dies closes its session, and Postgres drops the lock with it.
 */
export async function withAdvisoryLock<T>(db: Knex, key: string, fn: () => Promise<T>): Promise<LockOutcome<T>> {
  // knex's own connection settings (URL, SSL, search path), the way knex opens one to cancel a query
  const session = (await db.client.acquireRawConnection()) as PgSession
  try {
    const lock = await session.query("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [key])
    if (!lock.rows[0]?.ok) return { acquired: false }
    try {
      return { acquired: true, value: await fn() }
    } finally {
      // closing the session below releases it too; unlocking first frees it before the close completes
      await session.query("SELECT pg_advisory_unlock(hashtext($1)) AS ok", [key]).catch(() => undefined)
    }
  } finally {
    await db.client.destroyRawConnection(session).catch(() => undefined)
  }
}

/** Thrown when no pooled connection could be had within a path's bound (the database down or the pool drained). */
export class ConnectionWaitTimeout extends Error {
  readonly code = "WAAS_DB_CONNECTION_TIMEOUT"
  constructor(readonly ms: number) {
    super(`no database connection within ${ms} ms`)
    this.name = "ConnectionWaitTimeout"
  }
}

/** the slice of knex's tarn pool used to wait for a connection with a bound of our own */
interface AbortablePool {
  acquire(): { promise: Promise<unknown>; abort(): void }
}

/**
 * Runs `fn` in a transaction whose wait for a pooled connection, and each statement (lock waits included),
 * last at most `ms`. The pool's own acquire timeout (60 s) would keep a caller that must answer quickly,
 * the WaaS's callback, waiting while the database is down. Inside a caller's transaction `fn` just runs.
 */
export async function withBoundedTransaction<T>(db: Knex, ms: number, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Knex.Transaction)
  const pool = (db.client as { pool?: AbortablePool }).pool
  if (!pool) throw new Error("medusa-plugin-waas: the connection pool is closed")
  const pending = pool.acquire()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    pending.abort()
  }, ms)
  let connection: unknown
  try {
    connection = await pending.promise
  } catch (e) {
    throw timedOut ? new ConnectionWaitTimeout(ms) : e
  } finally {
    clearTimeout(timer)
  }
  try {
    return await db.transaction(
      async (trx) => {
        // for this transaction only: the pooled connection keeps its defaults afterwards
        await trx.raw("SELECT set_config('statement_timeout', ?, true), set_config('lock_timeout', ?, true)", [`${ms}ms`, `${ms}ms`])
        return fn(trx)
      },
      { connection },
    )
  } finally {
    await db.client.releaseConnection(connection)
  }
}
