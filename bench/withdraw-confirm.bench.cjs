// Question: how many WaaS second-confirmation requests per second does POST /hooks/waas/withdraw-confirm
// answer (decrypt with the WaaS key, check app_id, one indexed read of the withdrawal by request_id,
// compare, one audit insert, seal the check_sum with the merchant key), and at what p50/p99 latency,
// against a bare route on the same Medusa server in the same run? The WaaS's `withdraw` call waits on
// this answer, so its latency is what matters.
//
// One Medusa is booted in this process as `medusa start` boots it (the plugin from src/, embedded
// Postgres, migrations by the CLI), plus one bench-only route after the loaders: POST /bench/ack parses
// the same url-encoded form and answers a constant. No WaaS is needed: the withdrawals are written in the
// `submitting` state directly, and the requests are sealed with a wallet key the options trust. Rounds
// interleave baseline and route (medians); each request names its own withdrawal.
"use strict"
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "error"
process.env.MEDUSA_DISABLE_TELEMETRY = "true"
process.env.WAAS_ADMIN_DISABLED = "true"
require("../scripts/ts-register.cjs")
const { randomBytes } = require("node:crypto")
const fs = require("node:fs")
const os = require("node:os")
const path = require("node:path")
const { Agent, request } = require("undici")
const { report, median } = require("./lib/measure.cjs")

const ROOT = path.join(__dirname, "..")
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 200)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)
const SHOPPER = "0x52908400098527886E0F7030069857D2E4169EE7"
const TREASURY = "4242"

async function main() {
  const t0 = Date.now()
  const { startPostgres } = await import("../scripts/pg.mjs")
  const { createDatabase, dropDatabase, migrate } = await import("../scripts/demo/medusa.mjs")
  const { generateWaasKeyPair, openConfirmationAnswer, sealConfirmationRequest } = require("../src/protocol")
  const { depositSpecOptions } = require("../integration-tests/helpers/deposits.ts")

  const cleanups = []
  const cleanup = async () => {
    while (cleanups.length) await cleanups.pop()().catch(() => undefined)
  }
  try {
    const pg = await startPostgres()
    cleanups.push(() => pg.stop())
    const dbName = `waas_bench_confirm_${Date.now()}`
    const serverUrl = new URL(pg.env.DATABASE_URL)
    serverUrl.pathname = "/postgres"
    const dbUrl = new URL(serverUrl)
    dbUrl.pathname = `/${dbName}`
    await createDatabase(serverUrl.toString(), dbName)
    cleanups.push(() => dropDatabase(serverUrl.toString(), dbName))

    const merchantKeys = generateWaasKeyPair()
    const wallet = generateWaasKeyPair()
    const merchant = { appId: randomBytes(16).toString("hex"), merchantPrivateKey: merchantKeys.privateKey }
    // a WaaS nobody listens at: the route must never call it
    const waasEndpoint = { url: "http://127.0.0.1:9", pathPrefix: "/api/v2", walletPublicKey: wallet.publicKey }
    Object.assign(process.env, {
      DATABASE_URL: dbUrl.toString(),
      WAAS_PLUGIN_OPTIONS: JSON.stringify({
        ...depositSpecOptions(waasEndpoint, merchant, { usdtPool: 1 }),
        withdrawals: { payer: { type: "treasury", uid: TREASURY }, pollIntervalSeconds: 86_400 },
      }),
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
    app.post("/bench/ack", express.urlencoded({ extended: true }), (req, res) => {
      res.status(200).type("application/json").send('{"data":"ok"}')
    })
    const server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s))
    })
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
    const base = `http://127.0.0.1:${server.address().port}`
    const db = loaded.container.resolve("__pg_connection__")
    console.log(`booted in ${((Date.now() - t0) / 1000).toFixed(1)} s; writing ${ROUNDS * PER_ROUND + 20} withdrawals being submitted…`)

    // ---------------------------------------------------------------- withdrawals in `submitting`, and their requests
    const total = ROUNDS * PER_ROUND + 20
    const requests = []
    for (let i = 0; i < total; i++) {
      const requestId = `wreq_bench_${String(i).padStart(6, "0")}`
      const amount = `${10 + (i % 90)}.${String(i).padStart(6, "0")}`
      await db.raw(
        `INSERT INTO waas_withdrawal (id, request_id, source, crypto_payment_id, symbol, network, decimals, to_address,
           refund_amount, amount, fee_bearer, rate_basis, from_uid, reason, approvals_required, approved_by, status, created_at, updated_at)
         VALUES (?, ?, 'payment', 'wcpay_bench', 'USDTERC20', 'ethereum', 6, ?, ?, ?, 'merchant', 'crypto', ?, 'bench', 1, '{"ids":[]}', 'submitting', now(), now())`,
        [`wwdr_bench_${i}`, requestId, SHOPPER, amount, amount, TREASURY],
      )
      const checkSum = randomBytes(16).toString("hex")
      const payload = { time: Date.now(), charset: "utf-8", version: "2.0", request_id: requestId, from_uid: TREASURY, to_address: SHOPPER, amount, symbol: "USDTERC20", check_sum: checkSum }
      const body = new URLSearchParams({ app_id: merchant.appId, data: sealConfirmationRequest(payload, wallet.privateKey) }).toString()
      requests.push({ body, checkSum })
    }

    const agent = new Agent({ connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 30_000 })
    cleanups.push(() => agent.close())
    async function blast(pathname, batch, verify) {
      const latencies = []
      let next = 0
      let failures = 0
      const started = performance.now()
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < batch.length) {
            const r = batch[next++]
            const t = performance.now()
            const res = await request(`${base}${pathname}`, {
              method: "POST",
              dispatcher: agent,
              headers: { "content-type": "application/x-www-form-urlencoded" },
              body: r.body,
            })
            const text = await res.body.text()
            latencies.push(performance.now() - t)
            if (res.statusCode !== 200 || (verify && openConfirmationAnswer(text, merchantKeys.publicKey) !== r.checkSum)) failures++
          }
        }),
      )
      const ms = performance.now() - started
      latencies.sort((a, b) => a - b)
      return { perSecond: (batch.length * 1000) / ms, p50: latencies[Math.floor(latencies.length / 2)], p99: latencies[Math.floor(latencies.length * 0.99)], failures }
    }

    const warm = requests.slice(-20)
    await blast("/bench/ack", warm, false)
    await blast("/hooks/waas/withdraw-confirm", warm, true)
    const ours = []
    const baseline = []
    for (let r = 0; r < ROUNDS; r++) {
      const batch = requests.slice(r * PER_ROUND, (r + 1) * PER_ROUND)
      baseline.push(await blast("/bench/ack", batch, false))
      ours.push(await blast("/hooks/waas/withdraw-confirm", batch, true))
    }

    const { rows } = await db.raw(`SELECT action, count(*)::int AS n FROM waas_withdrawal_audit GROUP BY action`)
    const confirmed = rows.find((r) => r.action === "second_confirmation_confirmed")?.n ?? 0
    const med = (xs, key) => median(xs.map((x) => x[key]))
    const fmt = (x) => x.toFixed(1)
    report(
      `second confirmation: ${ROUNDS} rounds of ${PER_ROUND} requests, ${CONCURRENCY} concurrent, medians`,
      ["route", "answers/s", "p50 ms", "p99 ms", "not confirmed"],
      [
        ["bare route (baseline)", fmt(med(baseline, "perSecond")), fmt(med(baseline, "p50")), fmt(med(baseline, "p99")), baseline.reduce((a, b) => a + b.failures, 0)],
        ["/hooks/waas/withdraw-confirm", fmt(med(ours, "perSecond")), fmt(med(ours, "p50")), fmt(med(ours, "p99")), ours.reduce((a, b) => a + b.failures, 0)],
      ],
    )
    const ratio = med(ours, "perSecond") / med(baseline, "perSecond")
    console.log(`\nwithdraw-confirm / baseline throughput: ${ratio.toFixed(3)} (${(1 / ratio).toFixed(1)}× the time per request)`)
    console.log(`audit: ${confirmed} confirmations recorded for ${ROUNDS * PER_ROUND + warm.length} requests`)
    const ok = ours.every((o) => o.failures === 0) && confirmed === ROUNDS * PER_ROUND + warm.length
    if (!ok) console.error("FAILED: a matching request was not confirmed, or its audit entry is missing")
    return ok
  } finally {
    await cleanup()
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error) => {
    console.error(error?.stack ?? error)
    process.exit(1)
  },
)
