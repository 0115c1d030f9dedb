// Question: how fast does checkout claim a pool address, at 1, 8 and 32 concurrent checkouts, against the
// bare minimum Postgres can do (one `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`)?
// Ours is what checkout really runs: createPaymentForSession = claim + quote + insert the crypto payment, in
// one transaction through the Medusa module. Same Postgres, same connection-pool size, same run.
"use strict"
require("../scripts/ts-register.cjs")
const path = require("node:path")
const { MedusaApp } = require("@medusajs/framework/modules-sdk")
const { ContainerRegistrationKeys, createPgConnection } = require("@medusajs/framework/utils")
const { report } = require("./lib/measure.cjs")
const { generateWaasKeyPair } = require("../src/protocol")

const CLAIMS = 600
const CONCURRENCY = [1, 8, 32]
const POOL = { min: 2, max: 40 }

async function runWorkers(total, concurrency, claimOne) {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await claimOne(next++)
    }),
  )
  return performance.now() - started
}

async function main() {
  const { startPostgres } = await import("../scripts/pg.mjs")
  const pg = await startPostgres()
  const admin = createPgConnection({ clientUrl: pg.env.DATABASE_URL })
  const dbName = `waas_bench_${process.pid}`
  await admin.raw(`CREATE DATABASE ${dbName}`)
  const url = new URL(pg.env.DATABASE_URL)
  url.pathname = `/${dbName}`
  const knex = createPgConnection({ clientUrl: url.toString(), pool: POOL })
  const keys = generateWaasKeyPair()
  let app
  try {
    app = await MedusaApp({
      modulesConfig: {
        waas: {
          resolve: path.join(__dirname, "../src/modules/waas"),
          options: {
            // no WaaS is reached: the pool is seeded, so a claim never needs one
            waasHost: "http://127.0.0.1:9",
            appId: "bench0000000000000000000000000000",
            merchantPrivateKey: keys.privateKey,
            waasPublicKey: keys.publicKey,
            coins: [{ symbol: "USDTERC20", displayName: "Tether (ERC-20)", network: "ethereum", decimals: 6, chainId: 1 }],
            rateSource: { type: "fixed", rates: { USDTERC20: { usd: "1" } } },
          },
        },
      },
      injectedDependencies: { [ContainerRegistrationKeys.PG_CONNECTION]: knex },
      // the migrator opens its own connection from here
      sharedResourcesConfig: { database: { clientUrl: url.toString() } },
    })
    await app.runMigrations()
    await app.onApplicationStart()
    const waas = app.modules.waas

    await knex.raw(`CREATE TABLE bench_raw_pool (id serial PRIMARY KEY, address text UNIQUE, status text NOT NULL, holder text)`)

    let seq = 0
    const rows = []
    for (const c of CONCURRENCY) {
      const tag = `c${c}`
      const accounts = await waas.createWaasAccounts(
        Array.from({ length: CLAIMS }, (_, i) => ({ email: `bench-${tag}-${i}@waas-pool.invalid`, symbol: "USDTERC20", uid: String(1e9 + seq + i), status: "provisioned" })),
      )
      await waas.createPoolAddresses(
        accounts.map((a, i) => ({ symbol: "USDTERC20", address: `0x${String(seq + i).padStart(40, "0")}`, uid: a.uid, account_id: a.id, status: "available" })),
      )
      await knex.raw(
        `INSERT INTO bench_raw_pool (address, status) SELECT '0x' || lpad(g::text, 40, '0'), 'available' FROM generate_series(?::int, ?::int) g`,
        [seq, seq + CLAIMS - 1],
      )
      seq += CLAIMS

      const ours = new Set()
      const oursMs = await runWorkers(CLAIMS, c, async (i) => {
        const p = await waas.createPaymentForSession({ session_id: `payses_${tag}_${i}`, amount: "25.00", currency_code: "usd" })
        ours.add(p.address)
      })
      const raw = new Set()
      const rawMs = await runWorkers(CLAIMS, c, async (i) => {
        const r = await knex.raw(
          `UPDATE bench_raw_pool SET status = 'assigned', holder = ?
            WHERE id = (SELECT id FROM bench_raw_pool WHERE status = 'available' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING address`,
          [`${tag}_${i}`],
        )
        raw.add(r.rows[0].address)
      })
      if (ours.size !== CLAIMS || raw.size !== CLAIMS) throw new Error(`shared addresses: ours ${ours.size}, raw ${raw.size} of ${CLAIMS}`)
      const oursRate = CLAIMS / (oursMs / 1000)
      const rawRate = CLAIMS / (rawMs / 1000)
      rows.push([c, CLAIMS, oursRate.toFixed(0), rawRate.toFixed(0), (oursRate / rawRate).toFixed(3), `${ours.size}/${raw.size}`])
    }
    report(
      `address claims per second: checkout's createPaymentForSession vs raw UPDATE … SKIP LOCKED … RETURNING (pool max ${POOL.max} connections)`,
      ["concurrent", "claims", "ours/s", "raw/s", "ours/raw", "distinct"],
      rows,
    )
  } finally {
    if (app) await app.onApplicationShutdown().catch(() => undefined)
    await knex.destroy()
    await admin.raw(`DROP DATABASE IF EXISTS ${dbName}`).catch(() => undefined)
    await admin.destroy()
    await pg.stop()
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
