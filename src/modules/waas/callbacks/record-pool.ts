import { knex as createKnex, type Knex } from "@medusajs/framework/mikro-orm/knex"
import { ConnectionWaitTimeout } from "../db-context"

/**
 * The notify route's own small connection pool: recording a callback is one autocommit upsert on a
 * connection that carries its bounds itself (statement_timeout and lock_timeout are startup parameters of
 * these connections, so no BEGIN / SET LOCAL / COMMIT around it), and it never queues behind processing runs
 * for a connection of the store's pool. The wait for one of these connections is bounded by the same
 * timeout: with the database down the route answers FAILURE that soon, well inside the WaaS's wait.
 * Built on first use from the store pool's own connection settings (URL, SSL, search path).
 */
export class RecordPool {
  private pool: Knex | null = null
  private closed = false

  constructor(
    private readonly size: number,
    private readonly timeoutMs: number,
  ) {}

  get ready(): boolean {
    return this.pool !== null
  }

  /** runs `fn` on a connection of this pool (built from `base`'s settings the first time) */
  async run<T>(base: Knex | null, fn: (db: Knex) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error("medusa-plugin-waas: the application is shutting down")
    const pool = (this.pool ??= this.build(base))
    try {
      return await fn(pool)
    } catch (e) {
      // knex's own timeout for a connection that could not be had (database down, pool drained)
      if ((e as Error).name === "KnexTimeoutError") throw new ConnectionWaitTimeout(this.timeoutMs)
      throw e
    }
  }

  async destroy(): Promise<void> {
    this.closed = true
    const pool = this.pool
    this.pool = null
    await pool?.destroy()
  }

  private build(base: Knex | null): Knex {
    if (!base) throw new Error("medusa-plugin-waas: the callback record pool needs the store's connection settings")
    const client = base.client as Knex.Client & { connectionSettings: Record<string, unknown> | string }
    const settings = typeof client.connectionSettings === "string" ? { connectionString: client.connectionSettings } : client.connectionSettings
    return createKnex({
      client: client.config.client,
      searchPath: client.config.searchPath,
      // node-postgres sends both as startup parameters of every connection of this pool
      connection: { ...settings, statement_timeout: this.timeoutMs, lock_timeout: this.timeoutMs } as Knex.StaticConnectionConfig,
      // a refused connection (the database restarting) is retried within the bound, not failed at once: the
      // route then waits at most timeoutMs for the database to come back, as with the store's pool
      pool: { min: 0, max: this.size, idleTimeoutMillis: 30_000, propagateCreateError: false, createRetryIntervalMillis: 100 },
      acquireConnectionTimeout: this.timeoutMs,
    })
  }
}
