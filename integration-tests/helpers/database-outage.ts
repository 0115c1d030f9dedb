import type { Knex } from "@medusajs/framework/mikro-orm/knex"

/** the slice of node-postgres' Client used here */
interface PgSession {
  connect(): Promise<void>
  end(): Promise<void>
  query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>
}

/**
 * Takes the store's database down the way a crashed or restarting Postgres looks to the app: it accepts no
 * new connection and drops every one it has (the pool's included), so the pool can only wait and retry.
 * (Medusa's test runner does the same to a database it restores between tests.) Postgres refuses that from
 * a session of the database itself, so it is done from one to the server's "postgres" database, with the
 * app pool's own settings; the returned function brings the database back.
 */
export async function takeDatabaseDown(appPool: unknown): Promise<() => Promise<void>> {
  const client = (appPool as Knex).client as Knex.Client & { driver: { Client: new (config: object) => PgSession } }
  const settings = client.connectionSettings as { connectionString: string }
  const url = new URL(settings.connectionString)
  const name = decodeURIComponent(url.pathname.slice(1))
  url.pathname = "/postgres"
  const admin = new client.driver.Client({ ...settings, connectionString: url.toString() })
  await admin.connect()
  const database = `"${name.replace(/"/g, '""')}"`
  await admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`)
  await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name])
  let restored = false
  return async () => {
    if (restored) return
    restored = true
    try {
      await admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`)
    } finally {
      await admin.end()
    }
  }
}
