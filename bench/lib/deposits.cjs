"use strict"
// Deposits for the deposit benches: crypto payments taken through Medusa's payment module (the provider claims a
// pool address), each paid at the simulator by one confirmed deposit whose notification is never sent (the bench
// store's simulator has no notify URL): only a poll can find them. And the ledger check every deposit bench ends
// with: one credit per deposit, the exact amounts, none twice, every payment captured in Medusa.
const Decimal = require("decimal.js")

/** the USDT pool filled to `n` available addresses (the refill registers at most poolBatchSize users a run) */
async function fillPool(waas, db, n) {
  const until = Date.now() + 15 * 60_000
  for (;;) {
    const { rows } = await db.raw(`SELECT count(*)::int AS n FROM waas_pool_address WHERE symbol = 'USDTERC20' AND status = 'available'`)
    if (rows[0].n >= n) return
    if (Date.now() > until) throw new Error(`the pool did not reach ${n} available addresses in 15 minutes (${rows[0].n})`)
    const report = await waas.refillPool({ symbols: ["USDTERC20"] })
    // the boot's own first fill (refillOnBoot) may hold the refill lock: wait for it, it fills the same pool
    if (report.skipped && !/holds the lock/.test(report.skipped)) throw new Error(`the refill did not run: ${report.skipped}`)
    if (report.skipped) await new Promise((r) => setTimeout(r, 250))
  }
}

/** `n` payments of 10 to 99 USD, each paid by one confirmed deposit at the simulator; `concurrency` at a time */
async function paidPayments(store, n, concurrency = 4) {
  const payments = store.container.resolve("payment")
  const waas = store.container.resolve("waas")
  const out = new Array(n)
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++
        const amount = 10 + (i % 90)
        const [collection] = await payments.createPaymentCollections([{ currency_code: "usd", amount }])
        const session = await payments.createPaymentSession(collection.id, {
          provider_id: "pp_waas_waas", currency_code: "usd", amount, data: { symbol: "USDTERC20" },
        })
        const p = await waas.retrievePaymentBySession(session.id)
        const d = await store.control("POST", "/deposits", { address: p.address, amount: p.amount_due, symbol: "USDTERC20" })
        await store.control("POST", `/deposits/${d.id}/confirm`, { n: d.requiredConfirmations })
        out[i] = { session_id: session.id, crypto_payment_id: p.id, waas_deposit_id: String(d.id), amount: p.amount_due }
      }
    }),
  )
  return out
}

/** credits = deposits, the amounts exact, 0 double credits, every payment paid and captured in Medusa */
async function checkLedger(db, paid) {
  const ids = paid.map((p) => p.waas_deposit_id)
  const { rows: credits } = await db.raw(
    `SELECT waas_deposit_id, amount FROM waas_deposit_credit WHERE entry = 'credit' AND deleted_at IS NULL AND waas_deposit_id = ANY(?)`,
    [ids],
  )
  const { rows: doubles } = await db.raw(
    `SELECT waas_deposit_id FROM waas_deposit_credit WHERE deleted_at IS NULL GROUP BY waas_deposit_id, entry HAVING count(*) > 1`,
  )
  const { rows: captured } = await db.raw(
    `SELECT count(*)::int AS n FROM payment p WHERE p.captured_at IS NOT NULL AND p.deleted_at IS NULL AND p.payment_session_id = ANY(?)`,
    [paid.map((p) => p.session_id)],
  )
  const expected = paid.reduce((acc, p) => acc.plus(p.amount), new Decimal(0))
  const credited = credits.reduce((acc, c) => acc.plus(c.amount), new Decimal(0))
  const ok = credits.length === paid.length && doubles.length === 0 && credited.eq(expected) && captured[0].n === paid.length
  const line =
    `ledger: ${credits.length} credits for ${paid.length} deposits (credited ${credited.toFixed()} of ${expected.toFixed()}), ` +
    `double credits ${doubles.length}, captured in Medusa ${captured[0].n}/${paid.length}`
  return { ok, line }
}

/** samples this process's RSS every `everyMs` while `fn` runs: { result, peak, before } in bytes */
async function withPeakRss(fn, everyMs = 50) {
  const before = process.memoryUsage().rss
  let peak = before
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, everyMs)
  try {
    const result = await fn()
    peak = Math.max(peak, process.memoryUsage().rss)
    return { result, peak, before }
  } finally {
    clearInterval(timer)
  }
}

module.exports = { fillPool, paidPayments, checkLedger, withPeakRss }
