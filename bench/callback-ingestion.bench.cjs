// Question: how many WaaS callbacks per second does the notify route take in (decrypt, validate, record
// durably in the inbox, answer SUCCESS), with 20 % duplicates, against a bare route on the same Medusa
// server in the same run? And after everything is processed: how many deposits were credited twice?
//
// One Medusa is booted in this process exactly as `medusa start` boots it (the plugin loaded from src/,
// embedded Postgres, migrations run by the CLI), with one bench-only route added after the loaders,
// the way `medusa start` itself adds /health: POST /bench/ack parses the same url-encoded form and answers
// SUCCESS. It goes through Express but not through Medusa's router, so the ratio slightly overstates what
// the plugin adds. Two phases: the notify route with the subscriber processing each recorded callback in
// the background as in production (behind the instance's bounded processing queue), then the route alone (the
// subscriber detached; the deposit poller's inbox sweep then processes what was recorded, the sync cursor set
// explicitly past the bench's deposits). The WaaS simulator runs as its own process (as the WaaS would: its RSA work does not
// share this process's CPU) and holds real deposits to real payments' addresses; the callbacks are sealed
// with its wallet key, byte-identical to what it would send. Rounds interleave baseline and notify
// route (medians); each notify round uses fresh deposits plus 20 % repeats of them, and the subscriber
// processes them in the background while the round runs, as it would in production.
"use strict"
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "error"
process.env.MEDUSA_DISABLE_TELEMETRY = "true"
process.env.WAAS_ADMIN_DISABLED = "true"
require("../scripts/ts-register.cjs")
const { spawn } = require("node:child_process")
const { randomBytes } = require("node:crypto")
const fs = require("node:fs")
const os = require("node:os")
const readline = require("node:readline")
const path = require("node:path")
const { Agent, request } = require("undici")
const Decimal = require("decimal.js")
const { report, median } = require("./lib/measure.cjs")

const ROOT = path.join(__dirname, "..")
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const UNIQUE_PER_ROUND = Number(process.env.BENCH_UNIQUE ?? 80)
const DUPLICATE_SHARE = 0.2
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)
// two phases of ROUNDS rounds; two deposits per payment (one lock, two credits)
const PAYMENTS = Math.ceil((2 * ROUNDS * UNIQUE_PER_ROUND + 10) / 2)

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`

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

async function main() {
  const t0 = Date.now()
  const { startPostgres } = await import("../scripts/pg.mjs")
  const { createDatabase, dropDatabase, migrate } = await import("../scripts/demo/medusa.mjs")
  const { depositNotification } = require("../simulator/records")
  const { generateWaasKeyPair, sealNotification } = require("../src/protocol")
  const { depositSpecOptions } = require("../integration-tests/helpers/deposits.ts")

  const cleanups = []
  const cleanup = async () => {
    while (cleanups.length) await cleanups.pop()().catch(() => undefined)
  }
  try {
    // ---------------------------------------------------------------- Postgres, simulator, migrations
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
    // no notify URL: the simulator never sends on its own; the bench sends the sealed callbacks itself
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
      WAAS_PLUGIN_OPTIONS: JSON.stringify(depositSpecOptions(sim, merchant, { usdtPool: PAYMENTS + 5 })),
      JWT_SECRET: randomBytes(16).toString("hex"),
      COOKIE_SECRET: randomBytes(16).toString("hex"),
    })
    const env = { ...process.env, NODE_OPTIONS: `--require ${path.join(ROOT, "scripts/ts-register.cjs")}` }
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "waas-bench-"))
    cleanups.push(async () => fs.rmSync(logDir, { recursive: true, force: true }))
    await migrate({ root: ROOT, env, logFile: path.join(logDir, "migrate.log") })

    // ---------------------------------------------------------------- Medusa in this process
    const express = require("express")
    const { initializeContainer, default: loaders } = require("@medusajs/medusa/loaders/index")
    await initializeContainer(ROOT, { skipDbConnection: true })
    const app = express()
    const loaded = await loaders({ directory: ROOT, expressApp: app })
    cleanups.push(() => loaded.shutdown())
    // the baseline: same server, same form parsing, nothing else
    app.post("/bench/ack", express.urlencoded({ extended: true }), (req, res) => {
      res.status(200).type("text/plain").send("SUCCESS")
    })
    const server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s))
    })
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
    const base = `http://127.0.0.1:${server.address().port}`
    const container = loaded.container
    const waas = container.resolve("waas")
    const db = container.resolve("__pg_connection__")
    const payments = container.resolve("payment")
    console.log(`booted in ${seconds(Date.now() - t0)}; filling the address pool and creating ${PAYMENTS} payments…`)

    // ---------------------------------------------------------------- payments and their deposits
    await waas.refillPool({ symbols: ["USDTERC20"] })
    await waas.depositPoll().markRun()
    const bySession = []
    for (let i = 0; i < PAYMENTS; i++) {
      const amount = 10 + (i % 90)
      const [collection] = await payments.createPaymentCollections([{ currency_code: "usd", amount }])
      const session = await payments.createPaymentSession(collection.id, {
        provider_id: "pp_waas_waas",
        currency_code: "usd",
        amount,
        data: { symbol: "USDTERC20" },
      })
      bySession.push(await waas.retrievePaymentBySession(session.id))
    }
    const deposits = []
    for (const p of bySession) {
      const due = new Decimal(p.amount_due)
      const first = due.div(3).toDecimalPlaces(6, Decimal.ROUND_DOWN)
      for (const amount of [first, due.minus(first)]) {
        const d = await control("POST", "/deposits", { address: p.address, amount: amount.toFixed(), symbol: "USDTERC20" })
        const confirmed = await control("POST", `/deposits/${d.id}/confirm`, { n: d.requiredConfirmations })
        const now = String(Date.now())
        const payload = { ...depositNotification(confirmed, "ETH", { utcOffsetMinutes: 480 }), notify_time: now, time: now }
        const body = new URLSearchParams({ app_id: merchant.appId, data: sealNotification(payload, wallet.privateKey) }).toString()
        deposits.push({ id: d.id, amount: amount.toFixed(), body })
      }
    }

    // ---------------------------------------------------------------- rounds
    const agent = new Agent({ connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 30_000 })
    cleanups.push(() => agent.close())
    async function blast(pathname, bodies) {
      const latencies = []
      let next = 0
      let failures = 0
      const started = performance.now()
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < bodies.length) {
            const body = bodies[next++]
            const t = performance.now()
            const res = await request(`${base}${pathname}`, {
              method: "POST",
              dispatcher: agent,
              headers: { "content-type": "application/x-www-form-urlencoded" },
              body,
            })
            const text = await res.body.text()
            latencies.push(performance.now() - t)
            if (res.statusCode !== 200 || text !== "SUCCESS") failures++
          }
        }),
      )
      const ms = performance.now() - started
      latencies.sort((a, b) => a - b)
      return { ms, perSecond: (bodies.length * 1000) / ms, p50: latencies[Math.floor(latencies.length / 2)], p99: latencies[Math.floor(latencies.length * 0.99)], failures }
    }

    async function settled() {
      const deadline = Date.now() + 300_000
      for (;;) {
        const { rows } = await db.raw(
          `SELECT count(*)::int AS open FROM waas_callback_inbox WHERE processed_count < received_count OR processing_until IS NOT NULL`,
        )
        if (rows[0].open === 0) return
        if (Date.now() > deadline) throw new Error("the inbox did not settle within 5 minutes")
        await new Promise((r) => setTimeout(r, 200))
      }
    }

    let seed = 7
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31)
    const round = (r) => {
      const fresh = deposits.slice(r * UNIQUE_PER_ROUND, (r + 1) * UNIQUE_PER_ROUND).map((d) => d.body)
      const repeats = Math.round((fresh.length * DUPLICATE_SHARE) / (1 - DUPLICATE_SHARE))
      const bodies = [...fresh, ...Array.from({ length: repeats }, () => fresh[Math.floor(random() * fresh.length)])]
      // duplicates arrive mixed in, not at the end
      for (let i = bodies.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[bodies[i], bodies[j]] = [bodies[j], bodies[i]]
      }
      return bodies
    }

    // warm-up: a few of the last deposits through both routes
    const warm = deposits.slice(-10).map((d) => d.body)
    await blast("/bench/ack", warm)
    await blast("/hooks/waas/notify", warm)
    await settled()

    const ours = []
    const baseline = []
    let sent = 0
    const processingStarted = Date.now()
    for (let r = 0; r < ROUNDS; r++) {
      const bodies = round(r)
      sent += bodies.length
      baseline.push(await blast("/bench/ack", bodies))
      ours.push(await blast("/hooks/waas/notify", bodies))
      await settled()
    }
    const processingMs = Date.now() - processingStarted

    // phase 2: the route alone; what it recorded is then processed by one run of the deposit poller
    const subscriber = require("../src/subscribers/process-waas-callback")
    container.resolve("event_bus").unsubscribe(subscriber.config.event, subscriber.default, subscriber.config.context)
    const recordOnly = []
    const baseline2 = []
    for (let r = ROUNDS; r < 2 * ROUNDS; r++) {
      const bodies = round(r)
      sent += bodies.length
      baseline2.push(await blast("/bench/ack", bodies))
      recordOnly.push(await blast("/hooks/waas/notify", bodies))
    }
    const { runDepositPoll } = require("../src/workflows/deposits/runners/run-deposit-poll")
    // the cursor set explicitly at the simulator's newest deposit: every deposit of this bench reached the
    // inbox, so the poller's inbox sweep processes phase 2 and its sync has nothing to re-read
    const { rows: newest } = await db.raw(`SELECT max(waas_id::bigint)::text AS id FROM waas_callback_inbox WHERE side = 'deposit'`)
    await db.raw(`UPDATE waas_sync_cursor SET max_id = ? WHERE name = 'deposits'`, [newest[0].id])
    const pollStarted = Date.now()
    const poll = await runDepositPoll(container, { force: true })
    const pollMs = Date.now() - pollStarted
    await settled()

    // ---------------------------------------------------------------- the ledger
    const { rows: doubles } = await db.raw(
      `SELECT waas_deposit_id, count(*)::int AS n FROM waas_deposit_credit WHERE entry = 'credit' GROUP BY waas_deposit_id HAVING count(*) > 1`,
    )
    const { rows: credits } = await db.raw(`SELECT waas_deposit_id, amount FROM waas_deposit_credit WHERE entry = 'credit'`)
    const used = deposits.slice(0, 2 * ROUNDS * UNIQUE_PER_ROUND).concat(deposits.slice(-10))
    const expected = used.reduce((acc, d) => acc.plus(d.amount), new Decimal(0))
    const credited = credits.reduce((acc, c) => acc.plus(c.amount), new Decimal(0))
    const { rows: captured } = await db.raw(
      `SELECT count(*)::int AS n FROM waas_crypto_payment WHERE status IN ('paid', 'overpaid') AND medusa_captured_at IS NOT NULL`,
    )

    const med = (xs, key) => median(xs.map((x) => x[key]))
    const fmt = (x) => x.toFixed(1)
    report(
      `callback ingestion: ${ROUNDS} rounds of ${round(0).length} callbacks (${Math.round(DUPLICATE_SHARE * 100)} % repeats), ${CONCURRENCY} concurrent, medians`,
      ["route", "callbacks/s", "p50 ms", "p99 ms", "non-SUCCESS"],
      [
        ["bare route (baseline)", fmt(med(baseline, "perSecond")), fmt(med(baseline, "p50")), fmt(med(baseline, "p99")), baseline.reduce((a, b) => a + b.failures, 0)],
        ["/hooks/waas/notify, processing live", fmt(med(ours, "perSecond")), fmt(med(ours, "p50")), fmt(med(ours, "p99")), ours.reduce((a, b) => a + b.failures, 0)],
        ["bare route (baseline, phase 2)", fmt(med(baseline2, "perSecond")), fmt(med(baseline2, "p50")), fmt(med(baseline2, "p99")), baseline2.reduce((a, b) => a + b.failures, 0)],
        ["/hooks/waas/notify, recording only", fmt(med(recordOnly, "perSecond")), fmt(med(recordOnly, "p50")), fmt(med(recordOnly, "p99")), recordOnly.reduce((a, b) => a + b.failures, 0)],
      ],
    )
    const ratio = med(ours, "perSecond") / med(baseline, "perSecond")
    const ratio2 = med(recordOnly, "perSecond") / med(baseline2, "perSecond")
    const options = waas.getOptions()
    console.log(
      `\nprocessing behind a queue of ${options.callbackProcessingConcurrency} per instance; recording on a pool of ${options.callbackRecordPoolSize} connections`,
    )
    console.log(`notify / baseline throughput, processing live:  ${ratio.toFixed(3)} (${(1 / ratio).toFixed(1)}× the time per callback)`)
    console.log(`notify / baseline throughput, recording only: ${ratio2.toFixed(3)} (${(1 / ratio2).toFixed(1)}× the time per callback)`)
    console.log(
      `processing live / recording only: throughput ${(med(ours, "perSecond") / med(recordOnly, "perSecond")).toFixed(3)}, ` +
        `p50 ${(med(ours, "p50") / med(recordOnly, "p50")).toFixed(2)}×, p99 ${(med(ours, "p99") / med(recordOnly, "p99")).toFixed(2)}×`,
    )
    console.log(
      `processing: live ${seconds(processingMs)} for the ${ROUNDS * round(0).length} callbacks of phase 1; ` +
        `one poller run ${seconds(pollMs)} for phase 2 (inbox ${poll.inbox.processed} processed, ${poll.inbox.failed} failed)`,
    )
    console.log(
      `ledger: ${credits.length} credits for ${used.length} deposits (${sent} callbacks), credited ${credited.toFixed()} of ${expected.toFixed()} sent, ` +
        `payments captured in Medusa ${captured[0].n}/${PAYMENTS}, double credits: ${doubles.length}`,
    )
    const ok =
      doubles.length === 0 &&
      credits.length === used.length &&
      credited.eq(expected) &&
      [...ours, ...recordOnly].every((o) => o.failures === 0)
    if (!ok) console.error("FAILED: the ledger does not match what was sent, or a callback was not acknowledged")
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
