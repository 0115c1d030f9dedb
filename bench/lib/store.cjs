"use strict"
// A Medusa store for the benches, booted in this process exactly as `medusa start` boots it (the plugin loaded
// from src/, embedded Postgres, migrations run by the CLI), with the WaaS simulator as its own process (as the
// WaaS would be: its RSA work does not share this process's CPU). The simulator has no notify URL: a bench
// sends the sealed callbacks itself.
const { spawn } = require("node:child_process")
const { randomBytes } = require("node:crypto")
const fs = require("node:fs")
const os = require("node:os")
const readline = require("node:readline")
const path = require("node:path")

const ROOT = path.join(__dirname, "..", "..")

/** the simulator CLI as a child process; resolves with its settings line and a stop() */
async function startSimulatorProcess(args) {
  const child = spawn(process.execPath, [path.join(ROOT, "simulator/bin.cjs"), ...args, "--json", "--quiet", "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  })
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once("exit", () => resolve())
      child.kill("SIGTERM")
    })
  const line = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout })
    rl.once("line", (l) => resolve(l))
    child.once("exit", (code) => reject(new Error(`the simulator exited with ${code} before printing its settings`)))
  })
  return { settings: JSON.parse(line), stop }
}

/**
 * Boots the store; `cleanup()` stops everything it started, in reverse order. `extraOptions` go to the plugin's
 * options (depositSpecOptions from the HTTP tests, the USDT pool sized `usdtPool`).
 */
async function bootStore({ usdtPool, extraOptions = {}, routes = () => undefined }) {
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "error"
  process.env.MEDUSA_DISABLE_TELEMETRY = "true"
  process.env.WAAS_ADMIN_DISABLED = "true"
  require("../../scripts/ts-register.cjs")
  const { startPostgres } = await import("../../scripts/pg.mjs")
  const { createDatabase, dropDatabase, migrate } = await import("../../scripts/demo/medusa.mjs")
  const { generateWaasKeyPair } = require("../../src/protocol")
  const { depositSpecOptions } = require("../../integration-tests/helpers/deposits.ts")

  const cleanups = []
  const cleanup = async () => {
    while (cleanups.length) await cleanups.pop()().catch(() => undefined)
  }
  try {
    const pg = await startPostgres()
    cleanups.push(() => pg.stop())
    const dbName = `waas_bench_${Date.now()}`
    const serverUrl = new URL(pg.env.DATABASE_URL)
    serverUrl.pathname = "/postgres"
    const dbUrl = new URL(serverUrl)
    dbUrl.pathname = `/${dbName}`
    await createDatabase(serverUrl.toString(), dbName)
    cleanups.push(() => dropDatabase(serverUrl.toString(), dbName))

    const keys = generateWaasKeyPair()
    const wallet = generateWaasKeyPair()
    const merchant = { appId: randomBytes(16).toString("hex"), merchantPrivateKey: keys.privateKey }
    const simProcess = await startSimulatorProcess([
      "--app-id", merchant.appId,
      "--merchant-public-key", keys.publicKey,
      "--wallet-private-key", wallet.privateKey,
    ])
    cleanups.push(() => simProcess.stop())
    const simSettings = simProcess.settings
    const sim = { url: simSettings.url, pathPrefix: simSettings.pathPrefix, walletPublicKey: simSettings.walletPublicKey }
    async function control(method, pathname, body) {
      const res = await fetch(`${simSettings.controlUrl}${pathname}`, {
        method,
        headers: { authorization: `Bearer ${simSettings.controlToken}`, "content-type": "application/json" },
        body: body && JSON.stringify(body),
      })
      const answer = await res.json()
      if (!res.ok) throw new Error(`simulator ${pathname}: ${res.status} ${JSON.stringify(answer)}`)
      return answer
    }

    Object.assign(process.env, {
      DATABASE_URL: dbUrl.toString(),
      WAAS_PLUGIN_OPTIONS: JSON.stringify({ ...depositSpecOptions(sim, merchant, { usdtPool }), ...extraOptions }),
      JWT_SECRET: randomBytes(16).toString("hex"),
      COOKIE_SECRET: randomBytes(16).toString("hex"),
    })
    const env = { ...process.env, NODE_OPTIONS: `--require ${path.join(ROOT, "scripts/ts-register.cjs")}` }
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "waas-bench-"))
    cleanups.push(async () => fs.rmSync(logDir, { recursive: true, force: true }))
    await migrate({ root: ROOT, env, logFile: path.join(logDir, "migrate.log") })

    const express = require("express")
    const { initializeContainer, default: loaders } = require("@medusajs/medusa/loaders/index")
    await initializeContainer(ROOT, { skipDbConnection: true })
    const app = express()
    const loaded = await loaders({ directory: ROOT, expressApp: app })
    cleanups.push(() => loaded.shutdown())
    routes(app, express)
    const server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s))
    })
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
    return {
      base: `http://127.0.0.1:${server.address().port}`,
      container: loaded.container,
      control,
      merchant,
      wallet,
      cleanup,
      cleanups,
    }
  } catch (e) {
    await cleanup()
    throw e
  }
}

module.exports = { bootStore, ROOT }
