import net from "node:net"
import type { Client } from "pg"
import type { Cluster } from "./cluster"
import { waitFor } from "./shop"

/**
 * Locks the test takes on the cluster's database to park a request of an instance at a known point of its work
 * (its backend waits on the lock), so that a SIGKILL lands mid-request rather than before or after it.
 * Released by a rollback: nothing the test did stays.
 */
export interface Hold {
  release(): Promise<void>
}

async function hold(cluster: Cluster, sql: string, params: unknown[]): Promise<Hold> {
  const client: Client = await cluster.connect()
  await client.query("BEGIN")
  await client.query(sql, params)
  return {
    release: async () => {
      await client.query("ROLLBACK").catch(() => undefined)
      await client.end()
    },
  }
}

/** the plugin's per-cart advisory lock (checkout/cart-address.ts): a payment-session claim for the cart waits on it */
export function holdAdvisoryLock(cluster: Cluster, key: string): Promise<Hold> {
  return hold(cluster, "SELECT pg_advisory_xact_lock(hashtext($1))", [key])
}

/** a row lock: an UPDATE of that row waits on it */
export function holdRow(cluster: Cluster, table: "cart", id: string): Promise<Hold> {
  return hold(cluster, `SELECT id FROM "${table}" WHERE id = $1 FOR UPDATE`, [id])
}

/** until a backend of the database waits on a lock while running a statement like `pattern` (ILIKE) */
export async function waitForLockWaiter(cluster: Cluster, what: string, pattern: string): Promise<void> {
  await waitFor(`${what} (a backend waiting on a lock in ${pattern})`, async () => {
    const [row] = await cluster.rows<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE $1`,
      [pattern],
    )
    return Number(row.n) > 0
  })
}

/**
 * One Redis command with an integer answer (PTTL, EXISTS, PEXPIRE), in RESP over a plain socket: enough to look at
 * Medusa's locks (locking-redis keeps `medusa_lock:<key>`) without a client library the project does not depend on.
 */
export function redisInteger(url: string, ...args: string[]): Promise<number> {
  const { hostname, port } = new URL(url)
  const request = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) })
    let answer = ""
    socket.setTimeout(5_000, () => socket.destroy(new Error(`redis ${args[0]}: no answer in 5 s`)))
    socket.once("error", reject)
    socket.once("connect", () => socket.write(request))
    socket.on("data", (chunk) => {
      answer += chunk.toString("utf8")
      if (!answer.endsWith("\r\n")) return
      socket.end()
      const m = /^:(-?\d+)\r\n$/.exec(answer)
      if (m) resolve(Number(m[1]))
      else reject(new Error(`redis ${args[0]}: unexpected answer ${JSON.stringify(answer)}`))
    })
  })
}
