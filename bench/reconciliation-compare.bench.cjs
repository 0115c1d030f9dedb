// Question: how long, and how much memory, does the reconciliation's compare of one day take at 1,000,000 WaaS
// records (deposits, each with its collection miner fee; mirror and ledger already filled, as the pollers leave
// them through the day), against a raw SQL join of the same rows in the same run? Ours is what a run does after
// its fetch: waas.reconciliation().compare(run), one statement per kind that writes the breaks (WaaS/ledger and
// ledger/Medusa) and returns the day's totals (per-coin figures of the three sides, fees) from the same pass.
// Apart, for reference: totals(run), the same passes read again without breaks (what a run that healed a break
// does at its finish). 100 records disagree on purpose, so the breaks path is taken. RECON_BENCH_RECORDS sets
// another size.
"use strict"
require("../scripts/ts-register.cjs")
const fs = require("node:fs")
const path = require("node:path")
const { isDeepStrictEqual } = require("node:util")
const { MedusaApp } = require("@medusajs/framework/modules-sdk")
const { ContainerRegistrationKeys, createPgConnection } = require("@medusajs/framework/utils")
const { report } = require("./lib/measure.cjs")
const { generateWaasKeyPair } = require("../src/protocol")

const N = Number(process.env.RECON_BENCH_RECORDS ?? 1_000_000)
const MISMATCHES = 100
const DAY = "2026-11-01"
const DAY_START = Date.parse(`${DAY}T00:00:00.000Z`)

/** peak resident memory (VmHWM) of every postgres process, in MB: the compare runs in the database */
function postgresPeakMb() {
  let peak = 0
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8")
      if (!cmd.includes("postgres")) continue
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))
      if (m) peak = Math.max(peak, Number(m[1]) / 1024)
    } catch {
      /* gone */
    }
  }
  return peak
}

async function fill(knex) {
  const t = performance.now()
  // the WaaS's deposits of the day, and the collection fee of each sweep, as the mirror holds them
  await knex.raw(
    `INSERT INTO waas_mirror_record (id, kind, waas_id, uid, symbol, amount, status, address_from, address_to, txid, confirmations,
        final, waas_created_at, waas_updated_at, fetched_at)
     SELECT 'wmir_d' || i, 'deposit', i::text, (10000 + i % 5000)::text, 'USDTERC20', (i % 997 + 1)::text || '.' || lpad((i % 1000000)::text, 6, '0'),
            1, '', '0x' || lpad(to_hex(i % 50000), 40, '0'), '0x' || lpad(to_hex(i), 64, '0'), 12, true,
            to_timestamp((:start::bigint + (i::bigint * 86399999 / :n::bigint)) / 1000.0), to_timestamp((:start::bigint + (i::bigint * 86399999 / :n::bigint)) / 1000.0), now()
       FROM generate_series(1, :n::int) AS i`,
    { n: N, start: DAY_START },
  )
  await knex.raw(
    `INSERT INTO waas_mirror_record (id, kind, waas_id, uid, symbol, amount, status, address_from, address_to, txid, confirmations,
        fee, fee_symbol, final, waas_created_at, waas_updated_at, fetched_at)
     SELECT 'wmir_f' || i, 'miner_fee', i::text, (10000 + i % 5000)::text, 'USDTERC20', (i % 997 + 1)::text || '.' || lpad((i % 1000000)::text, 6, '0'),
            1, '0x' || lpad(to_hex(i % 50000), 40, '0'), '0xhot', '0x' || lpad(to_hex(i + 1000000000), 64, '0'), 12, '0.00065', 'ETH', true,
            to_timestamp((:start::bigint + (i::bigint * 86399999 / :n::bigint)) / 1000.0), to_timestamp((:start::bigint + (i::bigint * 86399999 / :n::bigint)) / 1000.0), now()
       FROM generate_series(1, :n::int) AS i`,
    { n: N, start: DAY_START },
  )
  // our ledger: the same deposits credited; MISMATCHES of them with another amount
  await knex.raw(
    `INSERT INTO waas_deposit (id, waas_deposit_id, symbol, address_to, amount, txid, confirmations, waas_status, waas_created_at, waas_updated_at,
        status, last_source, created_at, updated_at)
     SELECT 'wdep_' || i, i::text, 'USDTERC20', '0x' || lpad(to_hex(i % 50000), 40, '0'),
            CASE WHEN i % (:n::int / :mis::int) = 0 THEN '0.5' ELSE (i % 997 + 1)::text || '.' || lpad((i % 1000000)::text, 6, '0') END,
            '0x' || lpad(to_hex(i), 64, '0'), 12, 1,
            to_timestamp((:start::bigint + (i::bigint * 86399999 / :n::bigint)) / 1000.0), to_timestamp((:start::bigint + (i::bigint * 86399999 / :n::bigint)) / 1000.0),
            'credited', 'poll', now(), now()
       FROM generate_series(1, :n::int) AS i`,
    { n: N, start: DAY_START, mis: MISMATCHES },
  )
  await knex.raw(`VACUUM ANALYZE waas_mirror_record`)
  await knex.raw(`VACUUM ANALYZE waas_deposit`)
  return (performance.now() - t) / 1000
}

/** the baseline: the same rows of the day joined on the WaaS id, nothing else (the least any compare must do) */
async function rawJoin(knex, s, e) {
  const t = performance.now()
  const r = await knex.raw(
    `SELECT count(*) AS n, count(*) FILTER (WHERE m.amount <> d.amount) AS differ
       FROM waas_mirror_record m FULL JOIN waas_deposit d ON d.waas_deposit_id = m.waas_id
      WHERE (m.kind = 'deposit' AND m.waas_created_at >= :s AND m.waas_created_at < :e) OR (d.waas_created_at >= :s AND d.waas_created_at < :e)`,
    { s, e },
  )
  return { seconds: (performance.now() - t) / 1000, rows: Number(r.rows[0].n), differ: Number(r.rows[0].differ) }
}

async function main() {
  const { startPostgres } = await import("../scripts/pg.mjs")
  const pg = await startPostgres()
  const admin = createPgConnection({ clientUrl: pg.env.DATABASE_URL })
  const dbName = `waas_bench_recon_${process.pid}`
  await admin.raw(`CREATE DATABASE ${dbName}`)
  const url = new URL(pg.env.DATABASE_URL)
  url.pathname = `/${dbName}`
  const knex = createPgConnection({ clientUrl: url.toString(), pool: { min: 1, max: 4 } })
  const keys = generateWaasKeyPair()
  let app
  try {
    app = await MedusaApp({
      modulesConfig: {
        waas: {
          resolve: path.join(__dirname, "../src/modules/waas"),
          options: {
            waasHost: "http://127.0.0.1:9",
            appId: "bench0000000000000000000000000000",
            merchantPrivateKey: keys.privateKey,
            waasPublicKey: keys.publicKey,
            coins: [{ symbol: "USDTERC20", displayName: "Tether (ERC-20)", network: "ethereum", decimals: 6, chainId: 1 }],
            rateSource: { type: "fixed", rates: { USDTERC20: { usd: "1" } } },
            reconciliation: { timeZone: "UTC" },
            // no pool fill at boot: the bench has no WaaS (and no logger injected to warn that it is unreachable)
            refillOnBoot: false,
          },
        },
      },
      injectedDependencies: { [ContainerRegistrationKeys.PG_CONNECTION]: knex },
      sharedResourcesConfig: { database: { clientUrl: url.toString() } },
    })
    await app.runMigrations()
    await app.onApplicationStart()
    const recon = app.modules.waas.reconciliation()
    const fillSeconds = await fill(knex)
    console.log(`filled ${N} mirror deposits, ${N} miner fees and ${N} ledger deposits in ${fillSeconds.toFixed(1)} s`)

    const rssBefore = process.memoryUsage().rss / 2 ** 20
    const base1 = await rawJoin(knex, new Date(DAY_START), new Date(DAY_START + 86_400_000))
    const run = await recon.beginRun(DAY, "admin", null)
    const t = performance.now()
    const { breaks, totals, fees } = await recon.compare(run)
    const compareSeconds = (performance.now() - t) / 1000
    const nodeMaxRssMb = process.resourceUsage().maxRSS / 1024
    const t2 = performance.now()
    const again = await recon.totals(run)
    const totalsSeconds = (performance.now() - t2) / 1000
    const base2 = await rawJoin(knex, run.window_start, run.window_end)
    const pgPeak = postgresPeakMb()
    const base = Math.min(base1.seconds, base2.seconds)
    const ours = compareSeconds
    const deposit = totals.find((x) => x.kind === "deposit")
    const sweeps = totals.find((x) => x.kind === "miner_fee")
    if (breaks !== MISMATCHES) throw new Error(`expected ${MISMATCHES} breaks, got ${breaks}`)
    if (!deposit || deposit.waas.count !== N || deposit.ledger.count !== N) throw new Error(`totals do not count ${N} records: ${JSON.stringify(deposit)}`)
    if (!sweeps || sweeps.waas.count !== N) throw new Error(`totals do not count ${N} miner fees: ${JSON.stringify(sweeps)}`)
    if (!isDeepStrictEqual({ totals, fees }, again)) throw new Error("the compare's totals differ from the totals read again")
    report(`reconciliation compare of one day: ${N.toLocaleString("en")} WaaS deposits + ${N.toLocaleString("en")} miner fees, ${MISMATCHES} breaks`, ["what", "seconds", "ratio to raw join"], [
      ["raw SQL join of the same rows (baseline)", base.toFixed(2), "1.0"],
      ["compare: breaks written + totals (three sides, fees), one pass per kind", compareSeconds.toFixed(2), (compareSeconds / base).toFixed(1)],
      ["(apart) totals read again without breaks, only after healing", totalsSeconds.toFixed(2), (totalsSeconds / base).toFixed(1)],
    ])
    report("memory", ["process", "peak RSS MB"], [
      ["node (the plugin), peak up to the end of the compare", nodeMaxRssMb.toFixed(0)],
      [`postgres (largest process; shared buffers included)`, pgPeak.toFixed(0)],
      ["node RSS growth during the compare", Math.max(0, process.memoryUsage().rss / 2 ** 20 - rssBefore).toFixed(0)],
    ])
    console.log(
      `issue 10: compare of ${N.toLocaleString("en")} records ${ours.toFixed(1)} s (${(ours / base).toFixed(1)}× the raw join), ` +
        `${nodeMaxRssMb.toFixed(0)} MB node peak RSS; target ≤ 60 s and ≤ 300 MB: ${ours <= 60 && nodeMaxRssMb <= 300 ? "met" : "NOT met"}` +
        (N === 1_000_000 ? "" : " (at 1,000,000 records only)"),
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
