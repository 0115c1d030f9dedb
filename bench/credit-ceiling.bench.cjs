// Question: how close does crediting a deposit come to Medusa's own ceiling for capturing a payment?
// Medusa's ceiling: its processPaymentWorkflow (the workflow a payment webhook runs) with the action `captured`
// for sessions of the system provider (pp_system_default: no provider I/O at all), which authorizes the session,
// creates the Payment and captures it. Ours, end to end: a callback already recorded in the inbox (by the notify
// route) → processed as the queue or the poller processes it (claim, pull the deposit from the WaaS, apply it
// to the ledger, capture through that same processPaymentWorkflow, complete the inbox row) → the Medusa
// payment captured. Both sequentially and 4 at a time, in interleaved rounds of the same run; medians. Ours runs
// a second time each round with its prepared statements off (dbPreparedStatements: false), so what they save shows
// against the same path in the same run.
// The WaaS simulator runs as its own process. The ledger is checked afterwards: credits = deposits, none twice.
"use strict"
const { bootStore } = require("./lib/store.cjs")
const { median, report } = require("./lib/measure.cjs")
const Decimal = require("decimal.js")

const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 24)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const MODES = [
  { name: "sequential", concurrency: 1 },
  { name: "4 at a time", concurrency: 4 },
]
const WARM_UP = 2
const PAYMENTS = PER_ROUND * ROUNDS * MODES.length + WARM_UP
// ours runs twice a round: as shipped (prepared statements), and with every statement planned each time
const OURS = 2 * PER_ROUND * ROUNDS * MODES.length + WARM_UP

async function runWorkers(items, concurrency, fn) {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++])
    }),
  )
  return performance.now() - started
}

async function main() {
  const store = await bootStore({ usdtPool: OURS + 5 })
  try {
    const { container, control, merchant, wallet, base } = store
    require("../scripts/ts-register.cjs")
    const { depositNotification } = require("../simulator/records")
    const { sealNotification } = require("../src/protocol")
    const { processPaymentWorkflow } = require("@medusajs/medusa/core-flows")
    const { processRecordedCallback } = require("../src/workflows/deposits/runners/run-callback-processing")
    const waas = container.resolve("waas")
    const { usePreparedStatements } = require("../src/modules/waas/prepared-sql")
    const db = container.resolve("__pg_connection__")
    const payments = container.resolve("payment")

    // recording only: the callbacks are processed by the bench, one measured run each
    for (const file of ["process-waas-callback", "process-waas-withdrawal-callback"]) {
      const subscriber = require(`../src/subscribers/${file}`)
      container.resolve("event_bus").unsubscribe(subscriber.config.event, subscriber.default, subscriber.config.context)
    }
    await waas.refillPool({ symbols: ["USDTERC20"] })
    await waas.depositPoll().markRun()

    // Medusa's side: system-provider sessions
    const system = []
    for (let i = 0; i < PAYMENTS; i++) {
      const amount = 10 + (i % 90)
      const [collection] = await payments.createPaymentCollections([{ currency_code: "usd", amount }])
      const session = await payments.createPaymentSession(collection.id, { provider_id: "pp_system_default", currency_code: "usd", amount, data: {} })
      system.push({ session_id: session.id, amount })
    }
    // ours: crypto payments, each paid by one confirmed deposit whose callback is recorded through the route
    const ours = []
    for (let i = 0; i < OURS; i++) {
      const amount = 10 + (i % 90)
      const [collection] = await payments.createPaymentCollections([{ currency_code: "usd", amount }])
      const session = await payments.createPaymentSession(collection.id, { provider_id: "pp_waas_waas", currency_code: "usd", amount, data: { symbol: "USDTERC20" } })
      const p = await waas.retrievePaymentBySession(session.id)
      const d = await control("POST", "/deposits", { address: p.address, amount: p.amount_due, symbol: "USDTERC20" })
      const confirmed = await control("POST", `/deposits/${d.id}/confirm`, { n: d.requiredConfirmations })
      const now = String(Date.now())
      const payload = { ...depositNotification(confirmed, "ETH", { utcOffsetMinutes: 480 }), notify_time: now, time: now }
      const res = await fetch(`${base}/hooks/waas/notify`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ app_id: merchant.appId, data: sealNotification(payload, wallet.privateKey) }).toString(),
      })
      if ((await res.text()) !== "SUCCESS") throw new Error(`the notify route refused deposit ${d.id}`)
      const { rows } = await db.raw(`SELECT id FROM waas_callback_inbox WHERE side = 'deposit' AND waas_id = ?`, [String(d.id)])
      ours.push({ inbox_id: rows[0].id, session_id: session.id, crypto_payment_id: p.id, amount: p.amount_due })
    }

    const medusaCapture = async ({ session_id, amount }) => {
      await processPaymentWorkflow(container).run({ input: { action: "captured", data: { session_id, amount } } })
    }
    const ourCredit = async ({ inbox_id }) => {
      const r = await processRecordedCallback(container, inbox_id, { retry: false })
      if (r.error || !r.claimed) throw new Error(`processing ${inbox_id} failed: ${r.error ?? "not claimed"}`)
    }
    // warm-up, not counted
    const warm = { system: system.splice(0, WARM_UP), ours: ours.splice(0, WARM_UP) }
    for (const x of warm.system) await medusaCapture(x)
    for (const x of warm.ours) await ourCredit(x)

    const times = Object.fromEntries(MODES.map((m) => [m.name, { medusa: [], ours: [], planned: [] }]))
    let s = 0
    let o = 0
    for (let r = 0; r < ROUNDS; r++) {
      for (const m of MODES) {
        const sys = system.slice(s, (s += PER_ROUND))
        const our = ours.slice(o, (o += PER_ROUND))
        times[m.name].medusa.push((await runWorkers(sys, m.concurrency, medusaCapture)) / sys.length)
        // and the same path with the prepared statements off (dbPreparedStatements: false), Postgres planning each
        // statement each time; which of the two goes first alternates by round
        const unplanned = ours.slice(o, (o += PER_ROUND))
        const prepared = async () => times[m.name].ours.push((await runWorkers(our, m.concurrency, ourCredit)) / our.length)
        const planned = async () => {
          usePreparedStatements(false)
          try {
            times[m.name].planned.push((await runWorkers(unplanned, m.concurrency, ourCredit)) / unplanned.length)
          } finally {
            usePreparedStatements(waas.getOptions().dbPreparedStatements)
          }
        }
        for (const side of r % 2 === 0 ? [prepared, planned] : [planned, prepared]) await side()
      }
    }

    // ---------------------------------------------------------------- checks
    const captured = await db.raw(
      `SELECT count(*)::int AS n FROM payment p WHERE p.captured_at IS NOT NULL AND p.deleted_at IS NULL AND p.payment_session_id = ANY(?)`,
      [[...warm.system, ...warm.ours, ...system.slice(0, s), ...ours.slice(0, o)].map((x) => x.session_id)],
    )
    const { rows: credits } = await db.raw(`SELECT waas_deposit_id, amount FROM waas_deposit_credit WHERE entry = 'credit'`)
    const { rows: doubles } = await db.raw(
      `SELECT waas_deposit_id FROM waas_deposit_credit WHERE entry = 'credit' GROUP BY waas_deposit_id HAVING count(*) > 1`,
    )
    const { rows: marked } = await db.raw(`SELECT count(*)::int AS n FROM waas_crypto_payment WHERE medusa_captured_at IS NOT NULL`)
    const expected = [...warm.ours, ...ours.slice(0, o)].reduce((acc, x) => acc.plus(x.amount), new Decimal(0))
    const credited = credits.reduce((acc, c) => acc.plus(c.amount), new Decimal(0))
    // the two warm-up deposits are credited too
    const expectedCredits = o + WARM_UP

    const rows = MODES.map((m) => {
      const med = median(times[m.name].medusa)
      const our = median(times[m.name].ours)
      const planned = median(times[m.name].planned)
      return [
        m.name, (1000 / med).toFixed(1), med.toFixed(1), (1000 / our).toFixed(1), our.toFixed(1), (med / our).toFixed(2), (our - med).toFixed(1),
        planned.toFixed(1), (planned - our).toFixed(1),
      ]
    })
    report(
      `crediting a deposit vs Medusa's capture ceiling (${ROUNDS} interleaved rounds of ${PER_ROUND} per mode, medians)`,
      ["mode", "medusa/s", "medusa ms", "ours/s", "ours ms", "ours/medusa", "ours adds ms", "ours unprepared ms", "prepared saves ms"],
      rows,
    )
    console.log(
      `\nMedusa: processPaymentWorkflow (captured) for pp_system_default sessions; ours: a recorded callback → deposit pulled, applied, ` +
        `Medusa payment captured (processRecordedCallback)`,
    )
    console.log(
      `captured in Medusa: ${captured.rows[0].n}/${s + o + 2 * WARM_UP}; ledger: ${credits.length} credits for ${expectedCredits} deposits ` +
        `(credited ${credited.toFixed()} of ${expected.toFixed()} sent), ` +
        `payments marked captured ${marked[0].n}, double credits ${doubles.length}`,
    )
    const ok = captured.rows[0].n === s + o + 2 * WARM_UP && credits.length === expectedCredits && doubles.length === 0 && credited.eq(expected)
    if (!ok) {
      console.error("FAILED: a capture is missing, or the ledger does not match the deposits")
      const { rows: inbox } = await db.raw(
        `SELECT waas_id, received_count, processed_count, last_outcome, last_error FROM waas_callback_inbox ORDER BY waas_id`,
      )
      console.error(inbox)
    }
    return ok
  } finally {
    await store.cleanup()
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (e) => {
    console.error(e?.stack ?? e)
    process.exit(1)
  },
)
