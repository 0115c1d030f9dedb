// Redis for the multi-instance tests (Medusa's event bus, workflow engine, locking and cache modules).
//
//   import { ensureRedis } from "./scripts/redis.mjs"
//   const redis = await ensureRedis()     // { url, env: { REDIS_URL }, external, stop() }
//   ...
//   await redis.stop()                    // idempotent
//
// REDIS_URL in the caller's environment names a server to use, and nothing is started. Otherwise
// Debian's redis-server is used (installed with apt-get when it is missing and we are root; see
// shared/docs/toolchain.md), started on a free loopback port in a fresh temp directory, without
// persistence, and stop() ends it and removes the directory. If the process ends without stop()
// (exception, SIGKILL), a watchdog does the same within ~1 s, as scripts/pg.mjs does for Postgres.
//
// Run directly (`node scripts/redis.mjs`) it starts a server, prints `export REDIS_URL=…`, and keeps it
// up until Ctrl-C.

import { spawn, spawnSync } from "node:child_process"
import fs from "node:fs"
import net from "node:net"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"

const CANDIDATES = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]

function findRedisServer() {
  for (const file of CANDIDATES) if (fs.existsSync(file)) return file
  const which = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" })
  const found = which.stdout.trim()
  return which.status === 0 && found ? found : null
}

/** apt-get install redis-server as root; waits for another apt/dpkg run to finish rather than failing on its lock */
function installRedisServer(log) {
  if (process.getuid?.() !== 0) {
    throw new Error("redis.mjs: redis-server is not installed and we are not root: install it (apt-get install redis-server) or set REDIS_URL")
  }
  log("redis.mjs: redis-server is missing; installing Debian's package (apt-get install -y redis-server)")
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  const lock = ["-o", "DPkg::Lock::Timeout=300"]
  const run = (args) => spawnSync("apt-get", [...lock, ...args], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
  let r = run(["install", "-y", "-q", "--no-install-recommends", "redis-server"])
  if (r.status !== 0) {
    // a fresh machine has no package lists yet
    const update = run(["update", "-q"])
    if (update.status !== 0) throw new Error(`redis.mjs: apt-get update failed:\n${(update.stderr || update.stdout).slice(-2000)}`)
    r = run(["install", "-y", "-q", "--no-install-recommends", "redis-server"])
  }
  if (r.status !== 0) throw new Error(`redis.mjs: apt-get install redis-server failed:\n${(r.stderr || r.stdout).slice(-2000)}`)
  const bin = findRedisServer()
  if (!bin) throw new Error("redis.mjs: apt-get installed redis-server but no redis-server binary was found")
  return bin
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once("error", reject)
    server.listen({ port: 0, host: "127.0.0.1", exclusive: true }, () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** PING over RESP until the server answers PONG or `ms` passes */
async function waitForPong(port, ms, child) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false
    const ok = await new Promise((resolve) => {
      const socket = net.connect({ port, host: "127.0.0.1" })
      const done = (value) => {
        socket.destroy()
        resolve(value)
      }
      socket.setTimeout(500, () => done(false))
      socket.once("error", () => done(false))
      socket.once("connect", () => socket.write("PING\r\n"))
      socket.once("data", (chunk) => done(chunk.toString().startsWith("+PONG")))
    })
    if (ok) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}

/** ends the server and removes its directory if this process dies without calling stop() */
function spawnWatchdog(pid, dir) {
  const script = `
    while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done
    kill -TERM ${pid} 2>/dev/null
    i=0; while kill -0 ${pid} 2>/dev/null && [ $i -lt 25 ]; do sleep 0.2; i=$((i+1)); done
    kill -KILL ${pid} 2>/dev/null
    rm -rf "${dir}"`
  const child = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" })
  child.unref()
  return child
}

/**
 * Returns `{ url, env, external, stop }`. `env` is `{ REDIS_URL }`; `external` is true when REDIS_URL came from
 * the caller's environment. `stop()` is safe to call more than once.
 */
export async function ensureRedis({ log = (m) => console.error(m) } = {}) {
  if (process.env.REDIS_URL) {
    const url = process.env.REDIS_URL
    return { url, env: { REDIS_URL: url }, external: true, stop: async () => {} }
  }
  const bin = findRedisServer() ?? installRedisServer(log)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "waas-redis-"))
  let lastError = ""
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort()
    const output = []
    const child = spawn(
      bin,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--loglevel", "warning"],
      { stdio: ["ignore", "pipe", "pipe"] },
    )
    child.stdout.on("data", (c) => output.push(String(c)))
    child.stderr.on("data", (c) => output.push(String(c)))
    const watchdog = spawnWatchdog(child.pid, dir)
    if (await waitForPong(port, 10_000, child)) {
      child.unref()
      child.stdout.destroy()
      child.stderr.destroy()
      let stopped = false
      const stop = async () => {
        if (stopped) return
        stopped = true
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once("exit", resolve))
          child.kill("SIGTERM")
          const timer = setTimeout(() => child.kill("SIGKILL"), 5_000)
          await exited
          clearTimeout(timer)
        }
        fs.rmSync(dir, { recursive: true, force: true })
        try {
          process.kill(-watchdog.pid, "SIGKILL")
        } catch {}
      }
      const url = `redis://127.0.0.1:${port}`
      return { url, env: { REDIS_URL: url }, external: false, stop }
    }
    // most likely the port was taken between probing and binding: try another one
    child.kill("SIGKILL")
    try {
      process.kill(-watchdog.pid, "SIGKILL")
    } catch {}
    lastError = output.join("").slice(-2000)
  }
  fs.rmSync(dir, { recursive: true, force: true })
  throw new Error(`redis.mjs: redis-server did not start:\n${lastError}`)
}

async function cli() {
  const redis = await ensureRedis()
  console.log(`export REDIS_URL='${redis.url}'`)
  console.error(redis.external ? "# using REDIS_URL from your environment" : "# redis-server is up; Ctrl-C stops it")
  if (!redis.external) {
    const shutdown = () => redis.stop().finally(() => process.exit(0))
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
