import { type ChildProcess, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import fs from "node:fs"
import { createServer } from "node:net"
import path from "node:path"
import { Client } from "pg"
import { startSimulator, type WaasSimulator } from "../../../simulator"
import { WaasClient } from "../../../src/client"
import { generateWaasKeyPair } from "../../../src/protocol"
import { waasPluginOptions } from "../../helpers/plugin-options"

/**
 * A whole store for the browser tier, as a merchant runs it: the WaaS simulator, a database migrated by
 * `medusa db:migrate`, the demo's seed (store, region with the WaaS provider, product, two admins, a filled
 * pool), and `medusa start` in development mode from the repository root, so the dashboard is served (through
 * Vite) with the plugin's admin extensions from src/admin and the session cookie is not `Secure` over http.
 * medusaIntegrationTestRunner disables the admin, hence this. Stopped (server, database, simulator) by stop().
 */
const ROOT = path.resolve(__dirname, "..", "..", "..")
const CLI = path.join(ROOT, "node_modules", "@medusajs", "cli", "cli.js")
export const SYMBOL = "USDTERC20"

export interface AdminCredentials {
  email: string
  password: string
}

export interface AdminStore {
  url: string
  admin: AdminCredentials
  approver: AdminCredentials
  sim: WaasSimulator
  seeded: { store: { publishableKey: string; regionId: string; variantId: string } }
  databaseUrl: string
  logDir: string
  /** a connection to the store's database, for what the admin API does not show (a free pool address) */
  sql<T>(text: string, values?: unknown[]): Promise<T[]>
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "localhost", () => {
      const address = server.address()
      const port = typeof address === "object" && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function serverUrl(): string {
  if (process.env.DATABASE_URL) {
    const u = new URL(process.env.DATABASE_URL)
    u.pathname = "/postgres"
    return u.toString()
  }
  const user = encodeURIComponent(process.env.DB_USERNAME ?? "postgres")
  const password = encodeURIComponent(process.env.DB_PASSWORD ?? "")
  return `postgres://${user}:${password}@localhost:${process.env.DB_PORT ?? "5432"}/postgres`
}

async function onServer(url: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** runs a Medusa CLI command to completion, its output in logFile; fails with the log's tail */
function runCli(args: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, "a")
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ["ignore", out, out] })
    child.on("error", reject)
    child.on("exit", (code) => {
      fs.closeSync(out)
      if (code === 0) resolve()
      else reject(new Error(`medusa ${args.join(" ")} exited ${code}: ${fs.readFileSync(logFile, "utf8").slice(-2000)}`))
    })
  })
}

async function waitForHealth(url: string, child: ChildProcess, logFile: string, timeoutMs = 420_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`medusa start exited ${child.exitCode}: ${fs.readFileSync(logFile, "utf8").slice(-2000)}`)
    try {
      // a server still booting may accept the connection and not answer yet: never wait on one probe
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) })
      if (r.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`medusa start not healthy after ${timeoutMs / 1000} s: ${fs.readFileSync(logFile, "utf8").slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** stops a process group: SIGTERM, then SIGKILL after a grace period */
async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return
  const exited = new Promise<void>((r) => child.once("exit", () => r()))
  try {
    process.kill(-child.pid, "SIGTERM")
  } catch {
    return
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL")
    } catch {
      // already gone
    }
  }, graceMs)
  await exited
  clearTimeout(timer)
}

export async function startAdminStore(): Promise<AdminStore> {
  const logDir = path.join(ROOT, ".tmp", "browser", String(Date.now()))
  fs.mkdirSync(logDir, { recursive: true })
  const undo: Array<() => Promise<void>> = []
  const stop = async () => {
    while (undo.length) await undo.pop()!().catch(() => undefined)
  }
  try {
    const port = await freePort()
    const url = `http://localhost:${port}`
    const keys = generateWaasKeyPair()
    const merchant = { appId: randomBytes(16).toString("hex"), merchantPrivateKey: keys.privateKey }
    const hooks = { notifyUrl: `${url}/hooks/waas/notify`, confirmUrl: `${url}/hooks/waas/withdraw-confirm` }
    const sim = await startSimulator({
      port: 0,
      clock: "real",
      autoConfirmDeposits: true,
      blockTimeMs: 200,
      merchants: [{ appId: merchant.appId, merchantPublicKey: keys.publicKey, ...hooks }],
    })
    undo.push(() => sim.stop())
    // refunds are paid by a treasury user the merchant funds, as in the demo
    const client = new WaasClient({ host: sim.url, pathPrefix: sim.pathPrefix, appId: merchant.appId, merchantPrivateKey: keys.privateKey, waasPublicKey: sim.walletPublicKey })
    const treasury = (await client.registerEmail("treasury@browser-tier.invalid")).uid
    await client.destroy()
    sim.control.addMerchant({ appId: merchant.appId, merchantPublicKey: keys.publicKey, ...hooks, payoutUid: treasury })
    sim.control.fund("company", SYMBOL, "10000", merchant.appId)

    const options = waasPluginOptions({ url: sim.url, pathPrefix: sim.pathPrefix, walletPublicKey: sim.walletPublicKey }, merchant, { poolBatchSize: 5 })
    // no reconciliation job of its own (firstDay far ahead): the admin spec runs the days it shows itself
    const withOptions = { ...options, reconciliation: { firstDay: "2999-12-31" }, withdrawals: { payer: { type: "treasury" as const, uid: String(treasury) }, serviceFees: { [SYMBOL]: "3" } } }

    const server = serverUrl()
    const name = `waas_browser_${Date.now()}`
    // a copy of the run's migrated base (scripts/test-base-db.cjs), when scripts/test.mjs built one: the
    // `medusa db:migrate` below then finds nothing to do, as a merchant's second deploy does
    const base = process.env.WAAS_TEST_BASE_DB
    await onServer(server, base ? `CREATE DATABASE "${name}" TEMPLATE "${base.replace(/"/g, '""')}"` : `CREATE DATABASE "${name}"`)
    undo.push(() => onServer(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
    const databaseUrl = server.replace(/\/postgres(\?|$)/, `/${name}$1`)

    const inherited = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ` : ""
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // Medusa's CLI has no ts-node here: our swc hook, as the demo uses (it survives the CLI's forks)
      NODE_OPTIONS: `${inherited.replace("--experimental-vm-modules", "")}--require "${path.join(ROOT, "scripts", "ts-register.cjs")}"`,
      // development: the dashboard is served with the plugin's extensions, and the session cookie is not Secure
      NODE_ENV: "development",
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      WAAS_PLUGIN_OPTIONS: JSON.stringify(withOptions),
      JWT_SECRET: randomBytes(32).toString("hex"),
      COOKIE_SECRET: randomBytes(32).toString("hex"),
      STORE_CORS: url,
      ADMIN_CORS: url,
      AUTH_CORS: url,
      MEDUSA_DISABLE_TELEMETRY: "true",
    }
    delete env.WAAS_ADMIN_DISABLED
    const phases: string[] = []
    const timed = async (phase: string, run: () => Promise<void>) => {
      const started = Date.now()
      await run()
      phases.push(`${phase} ${((Date.now() - started) / 1000).toFixed(1)} s`)
    }
    await timed(base ? "migrate (on a copy of the base)" : "migrate", () => runCli(["db:migrate"], env, path.join(logDir, "migrate.log")))

    const admin = { email: "admin@example.com", password: randomBytes(12).toString("base64url") }
    const approver = { email: "approver@example.com", password: randomBytes(12).toString("base64url") }
    const seedOut = path.join(logDir, "seed.json")
    await timed("seed", () => runCli(
      ["exec", "./scripts/demo/seed.ts"],
      {
        ...env,
        DEMO_SEED_OUT: seedOut,
        DEMO_ADMIN_EMAIL: admin.email,
        DEMO_ADMIN_PASSWORD: admin.password,
        DEMO_APPROVER_EMAIL: approver.email,
        DEMO_APPROVER_PASSWORD: approver.password,
      },
      path.join(logDir, "seed.log"),
    ))
    const seeded = JSON.parse(fs.readFileSync(seedOut, "utf8")) as AdminStore["seeded"]

    const logFile = path.join(logDir, "medusa.log")
    const out = fs.openSync(logFile, "a")
    const child = spawn(process.execPath, [CLI, "start"], { cwd: ROOT, env, stdio: ["ignore", out, out], detached: true })
    undo.push(async () => {
      await stopGroup(child)
      fs.closeSync(out)
    })
    await timed("start", () => waitForHealth(url, child, logFile))
    console.log(`admin store: ${phases.join(", ")}`)

    const db = new Client({ connectionString: databaseUrl })
    await db.connect()
    undo.push(() => db.end())
    const sql = async <T>(text: string, values: unknown[] = []) => (await db.query(text, values)).rows as T[]

    return { url, admin, approver, sim, seeded, databaseUrl, logDir, sql, stop }
  } catch (e) {
    await stop()
    throw e
  }
}
