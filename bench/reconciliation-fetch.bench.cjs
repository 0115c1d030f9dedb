// Question: how many WaaS records a second does the reconciliation's fetch store in its mirror, through the real
// envelope over HTTP (the simulator signs every 234-byte chunk of each page, the client verifies every block),
// against the envelope's own limit measured in the same run (sealing and opening the same pages in-process, no
// HTTP, no database)? Ours: mirror.syncForward over syncDepositList and syncMinerFeeList from cursor 0, each page
// one multi-row insert. RECON_FETCH_DEPOSITS sets the day's size (each deposit also has its miner fee).
"use strict"
require("../scripts/ts-register.cjs")
const path = require("node:path")
const { MedusaApp } = require("@medusajs/framework/modules-sdk")
const { ContainerRegistrationKeys, createPgConnection } = require("@medusajs/framework/utils")
const { report } = require("./lib/measure.cjs")
const { encryptEnvelope, decryptEnvelope, generateWaasKeyPair } = require("../src/protocol")
const { WaasClient } = require("../src/client")
const { startSimulator } = require("../simulator")
const { depositToWire, minerFeeToWire } = require("../simulator/records")

const DEPOSITS = Number(process.env.RECON_FETCH_DEPOSITS ?? 10_000)
const APP_ID = "benchf00000000000000000000000000f"
const noop = () => undefined
const QUIET = { debug: noop, info: noop, warn: noop, error: noop, log: noop, activity: noop, progress: noop, success: noop, failure: noop, shouldLog: () => false, setLogLevel: noop, unsetLogLevel: noop }

async function main() {
  const merchant = generateWaasKeyPair()
  const sim = await startSimulator({ port: 0, clock: "manual", merchants: [{ appId: APP_ID, merchantPublicKey: merchant.publicKey }] })
  const client = new WaasClient({ host: sim.url, pathPrefix: sim.pathPrefix, appId: APP_ID, merchantPrivateKey: merchant.privateKey, waasPublicKey: sim.walletPublicKey })
  const { uid } = await client.registerEmail("bench@fetch.invalid")
  const { address } = await client.getDepositAddress(uid, "USDTERC20")
  await client.destroy()
  for (let i = 0; i < DEPOSITS; i++) sim.control.quietDeposit({ address, amount: `${(i % 997) + 1}.${String(i).padStart(6, "0")}`, symbol: "USDTERC20" })

  const { startPostgres } = await import("../scripts/pg.mjs")
  const pg = await startPostgres()
  const admin = createPgConnection({ clientUrl: pg.env.DATABASE_URL })
  const dbName = `waas_bench_fetch_${process.pid}`
  await admin.raw(`CREATE DATABASE ${dbName}`)
  const url = new URL(pg.env.DATABASE_URL)
  url.pathname = `/${dbName}`
  const knex = createPgConnection({ clientUrl: url.toString(), pool: { min: 1, max: 4 } })
  let app
  try {
    app = await MedusaApp({
      modulesConfig: {
        waas: {
          resolve: path.join(__dirname, "../src/modules/waas"),
          options: {
            waasHost: sim.url,
            pathPrefix: sim.pathPrefix,
            appId: APP_ID,
            merchantPrivateKey: merchant.privateKey,
            waasPublicKey: sim.walletPublicKey,
            coins: [{ symbol: "USDTERC20", displayName: "Tether (ERC-20)", network: "ethereum", decimals: 6, chainId: 1 }],
            rateSource: { type: "fixed", rates: { USDTERC20: { usd: "1" } } },
          },
        },
      },
      injectedDependencies: { [ContainerRegistrationKeys.PG_CONNECTION]: knex, [ContainerRegistrationKeys.LOGGER]: QUIET },
      sharedResourcesConfig: { database: { clientUrl: url.toString() } },
    })
    await app.runMigrations()
    await app.onApplicationStart()
    const mirror = app.modules.waas.reconciliation().mirror

    const t = performance.now()
    let records = 0
    let pages = 0
    for (const kind of ["deposit", "miner_fee"]) {
      const c = await mirror.syncForward(kind, async () => undefined)
      records += c.records
      pages += c.pages
    }
    const seconds = (performance.now() - t) / 1000
    const stored = Number((await knex.raw(`SELECT count(*) AS n FROM waas_mirror_record`)).rows[0].n)
    if (stored !== 2 * DEPOSITS) throw new Error(`expected ${2 * DEPOSITS} mirror rows, got ${stored}`)

    // the envelope's limit: the same pages sealed by the WaaS's key and opened with its public key, in-process
    const state = sim.control.getState()
    const render = { utcOffsetMinutes: 480 }
    const wire = [...state.deposits.map((d) => depositToWire(d, render)), ...state.minerFees.map((f) => minerFeeToWire(f, "bench@fetch.invalid", render))]
    const pageTexts = []
    for (let i = 0; i < wire.length; i += 100) pageTexts.push(JSON.stringify({ code: "0", data: wire.slice(i, i + 100), msg: "成功" }))
    const walletKey = sim.walletPrivateKey
    const t2 = performance.now()
    let opened = 0
    for (const text of pageTexts) opened += JSON.parse(decryptEnvelope(encryptEnvelope(text, walletKey), sim.walletPublicKey)).data.length
    const envelopeSeconds = (performance.now() - t2) / 1000
    const oursPerSecond = records / seconds
    const limitPerSecond = opened / envelopeSeconds
    const bytes = pageTexts.reduce((a, p) => a + Buffer.byteLength(p), 0) / pageTexts.length
    report(`reconciliation fetch: ${records.toLocaleString("en")} records in ${pages} sync pages (≈ ${Math.round(bytes)} bytes, ${Math.ceil(bytes / 234)} RSA blocks a page)`, ["what", "seconds", "records/s", "ratio"], [
      ["envelope alone (seal + open the same pages, in-process)", envelopeSeconds.toFixed(2), limitPerSecond.toFixed(0), "1.00"],
      ["fetch into the mirror (HTTP, envelope, validation, multi-row insert)", seconds.toFixed(2), oursPerSecond.toFixed(0), (oursPerSecond / limitPerSecond).toFixed(2)],
    ])
    console.log(`a day of 1,000,000 records would take ≈ ${(1_000_000 / oursPerSecond / 60).toFixed(1)} min to fetch at this rate; the pollers fill the mirror through the day`)
  } finally {
    if (app) await app.onApplicationShutdown().catch(() => undefined)
    await knex.destroy()
    await admin.raw(`DROP DATABASE IF EXISTS ${dbName}`).catch(() => undefined)
    await admin.destroy()
    await pg.stop()
    await sim.stop()
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
