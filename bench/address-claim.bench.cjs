// Question: how fast does checkout claim a pool address, at 1, 8 and 32 concurrent checkouts and with 400 and
// with 20,000 addresses available, against the fair raw baseline: the same work in hand-written SQL, one
// transaction of the claim (`UPDATE … WHERE id = (SELECT … ORDER BY … LIMIT 1 FOR UPDATE SKIP LOCKED)
// RETURNING`) and the INSERT of the payment row, on the same tables with the same indexes?
// Ours is what checkout really runs: createPaymentForSession through the Medusa module (quote, the idempotency
// check, the claim, the insert), for a cart's first session (the same one statement, with the cart's advisory lock inside it) and
// for a session without a cart. Same Postgres, same connection pool, same run; rounds interleave ours and the
// baseline and the table shows medians. A cost per claim that grows with the pool would show in the last table.
// The plain claim runs a second time with the module's prepared statements off (dbPreparedStatements: false):
// Postgres then plans the claim on every call, as it did before they existed.
"use strict"
require("../scripts/ts-register.cjs")
const { MedusaApp } = require("@medusajs/framework/modules-sdk")
const path = require("node:path")
const { ContainerRegistrationKeys, createPgConnection, generateEntityId } = require("@medusajs/framework/utils")
const { median, report } = require("./lib/measure.cjs")
const { generateWaasKeyPair } = require("../src/protocol")

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 150)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONCURRENCY = [1, 8, 32]
const POOLS = [400, 20_000]
const POOL = { min: 2, max: 40 }
// addresses never held before in each pool (claimed first); the rest were released (cooled and returned)
const NEVER_HELD = 50
// "unprepared": the plain claim with the module's prepared statements off (dbPreparedStatements: false)
const VARIANTS = ["cart", "plain", "raw", "unprepared"]

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

/** `count` available addresses of `symbol`, each with its provisioned account, most of them released before */
async function seed(knex, symbol, count) {
  const tag = symbol.toLowerCase()
  await knex.raw(
    `INSERT INTO waas_account (id, email, symbol, uid, status)
       SELECT 'wacct_' || :tag || g, :tag || '-' || g || '@waas-pool.invalid', :symbol, (:uid + g)::text, 'provisioned'
         FROM generate_series(1, :count) g`,
    { tag, symbol, count, uid: 1e9 + Math.floor(Math.random() * 1e8) },
  )
  await knex.raw(
    `INSERT INTO waas_pool_address (id, symbol, address, uid, account_id, status, released_at, cooling_until, created_at)
       SELECT 'wpaddr_' || :tag || g, :symbol, '0x' || lpad(:tag || g, 40, '0'), a.uid, a.id, 'available',
              CASE WHEN g > :neverHeld THEN now() - interval '1 day' + g * interval '1 second' END,
              CASE WHEN g > :neverHeld THEN now() - interval '1 hour' END,
              now() - interval '30 days' + g * interval '1 second'
         FROM generate_series(1, :count) g JOIN waas_account a ON a.id = 'wacct_' || :tag || g`,
    { tag, symbol, count, neverHeld: NEVER_HELD },
  )
  await knex.raw("ANALYZE waas_pool_address")
}

/** the fair baseline: claim + insert of the payment row, one transaction, hand-written */
function rawClaim(knex, symbol) {
  return async (i) => {
    const now = new Date()
    const expires = new Date(now.getTime() + 900_000)
    await knex.transaction(async (trx) => {
      const paymentId = generateEntityId(undefined, "wcpay")
      const claimed = await trx.raw(
        `UPDATE waas_pool_address SET status = 'assigned', crypto_payment_id = :paymentId, assigned_at = :now, updated_at = :now
          WHERE id = (SELECT id FROM waas_pool_address
                       WHERE symbol = :symbol AND status = 'available' AND deleted_at IS NULL
                       ORDER BY released_at, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING id, address, memo`,
        { paymentId, now, symbol },
      )
      const a = claimed.rows[0]
      if (!a) throw new Error(`raw: the ${symbol} pool ran dry`)
      await trx.raw(
        `INSERT INTO waas_crypto_payment (id, payment_session_id, symbol, network, address, memo, pool_address_id, fiat_amount,
            raw_fiat_amount, currency_code, amount_due, rate, rate_source, rate_at, decimals, expires_at, monitor_until,
            address_assigned_at, session_binding)
         VALUES (:paymentId, :session, :symbol, 'ethereum', :address, :memo, :poolId, 25, '{"value":"25","precision":20}', 'usd',
            '25', '1', 'fixed', :now, 6, :expires, :monitor, :now, 'raw')
         RETURNING *`,
        {
          paymentId,
          session: `payses_raw_${symbol}_${i}_${paymentId}`,
          symbol,
          address: a.address,
          memo: a.memo,
          poolId: a.id,
          now,
          expires,
          monitor: new Date(expires.getTime() + 3_600_000),
        },
      )
    })
  }
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
  const coin = (symbol) => ({ symbol, displayName: symbol, network: "ethereum", decimals: 6, chainId: 1, contractAddress: "0xdAC17F958D2ee523a2206206994597C13D831ec7" })
  const symbols = Object.fromEntries(POOLS.map((n) => [n, { cart: `C${n}`, plain: `P${n}`, raw: `R${n}`, unprepared: `U${n}` }]))
  const claimed = ["cart", "plain", "unprepared"]
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
            coins: POOLS.flatMap((n) => claimed.map((v) => coin(symbols[n][v]))),
            defaultCoin: symbols[POOLS[0]].cart,
            rateSource: { type: "fixed", rates: Object.fromEntries(POOLS.flatMap((n) => claimed.map((v) => symbols[n][v])).map((s) => [s, { usd: "1" }])) },
            // no pool fill at boot: the bench has no WaaS (and no logger injected to warn that it is unreachable)
            refillOnBoot: false,
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

    const perPool = CONCURRENCY.length * ROUNDS * CLAIMS
    const ms = {} // ms[pool][c][variant] = [ms per claim of each round]
    const addresses = Object.fromEntries(VARIANTS.map((v) => [v, new Set()]))
    const { usePreparedStatements } = require("../src/modules/waas/prepared-sql")
    for (const n of POOLS) {
      for (const v of VARIANTS) await seed(knex, symbols[n][v], n + perPool)
      ms[n] = Object.fromEntries(CONCURRENCY.map((c) => [c, Object.fromEntries(VARIANTS.map((v) => [v, []]))]))
    }
    // rounds interleave everything (pool sizes, concurrency, variants): load that drifts during the run
    // hits every cell alike
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of CONCURRENCY) {
        for (const n of POOLS) {
          const tag = `${n}_${c}_${r}`
          const ours = (v) => async (i) => {
            const p = await waas.createPaymentForSession({
              session_id: `payses_${v}_${tag}_${i}`,
              ...(v === "cart" && { payment_collection_id: `paycol_${tag}_${i}` }),
              amount: "25.00",
              currency_code: "usd",
              symbol: symbols[n][v],
            })
            addresses[v].add(p.address)
          }
          ms[n][c].cart.push((await runWorkers(CLAIMS, c, ours("cart"))) / CLAIMS)
          ms[n][c].raw.push((await runWorkers(CLAIMS, c, rawClaim(knex, symbols[n].raw))) / CLAIMS)
          ms[n][c].plain.push((await runWorkers(CLAIMS, c, ours("plain"))) / CLAIMS)
          usePreparedStatements(false)
          try {
            ms[n][c].unprepared.push((await runWorkers(CLAIMS, c, ours("unprepared"))) / CLAIMS)
          } finally {
            usePreparedStatements(true)
          }
        }
      }
    }
    // the raw claims' addresses, and every claim's payment row
    const { rows: rawRows } = await knex.raw(`SELECT address FROM waas_crypto_payment WHERE session_binding = 'raw'`)
    for (const r of rawRows) addresses.raw.add(r.address)
    const total = POOLS.length * perPool
    const { rows: held } = await knex.raw(
      `SELECT count(*)::int AS n FROM waas_pool_address a JOIN waas_crypto_payment p ON p.id = a.crypto_payment_id AND p.address = a.address
        WHERE a.status = 'assigned'`,
    )
    const distinct = VARIANTS.map((v) => `${addresses[v].size}`).join("/")

    const perSecond = (x) => (1000 / x).toFixed(0)
    const rows = []
    for (const n of POOLS) {
      for (const c of CONCURRENCY) {
        const m = (v) => median(ms[n][c][v])
        rows.push([
          n, c, perSecond(m("cart")), perSecond(m("plain")), perSecond(m("raw")), (m("raw") / m("cart")).toFixed(2), (m("raw") / m("plain")).toFixed(2),
          perSecond(m("unprepared")), (m("unprepared") / m("plain")).toFixed(2),
        ])
      }
    }
    report(
      `address claims per second (${ROUNDS} interleaved rounds of ${CLAIMS} claims, medians; pool max ${POOL.max} connections): ` +
        "createPaymentForSession for a cart's first session and without a cart, vs the raw claim + insert in one transaction",
      ["available", "concurrent", "ours cart/s", "ours plain/s", "raw/s", "cart/raw", "plain/raw", "plain unprepared/s", "prepared/unprepared"],
      rows,
    )
    const flat = CONCURRENCY.map((c) => {
      const m = (n, v) => median(ms[n][c][v])
      const [small, large] = POOLS
      return [c, m(small, "cart").toFixed(3), m(large, "cart").toFixed(3), (m(large, "cart") / m(small, "cart")).toFixed(2), m(small, "raw").toFixed(3), m(large, "raw").toFixed(3), (m(large, "raw") / m(small, "raw")).toFixed(2)]
    })
    report(
      `ms per claim at ${POOLS[0]} vs ${POOLS[1]} available addresses (wall time / claims)`,
      ["concurrent", `ours ${POOLS[0]}`, `ours ${POOLS[1]}`, "ours large/small", `raw ${POOLS[0]}`, `raw ${POOLS[1]}`, "raw large/small"],
      flat,
    )
    console.log(`\nclaims: ${VARIANTS.length * total} (${total} per variant); distinct addresses ${VARIANTS.join("/")} ${distinct}; assigned addresses whose payment row holds them: ${held[0].n}`)
    const ok = VARIANTS.every((v) => addresses[v].size === total) && held[0].n === VARIANTS.length * total
    if (!ok) console.error("FAILED: an address was claimed twice, or a claim has no payment row")
    return ok
  } finally {
    if (app) await app.onApplicationShutdown().catch(() => undefined)
    await knex.destroy()
    await admin.raw(`DROP DATABASE IF EXISTS ${dbName}`).catch(() => undefined)
    await admin.destroy()
    await pg.stop()
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
