// Question: how long does the poller take to recover deposits whose callbacks were all lost, and does its memory
// stay flat in their number? For each size (1,000 then 10,000 by default), that many crypto payments are each paid
// by one confirmed deposit whose notification is never sent; then polls run (depositPollMaxPages 1000: one run
// reads every page) until the sync has caught up, each deposit pulled, applied and its Medusa payment captured.
// Prints the time, deposits per second, ms per deposit, and this process's RSS before the catch-up and at its peak
// (sampled every 50 ms), each size's row as soon as it is done, all of them at the end. The WaaS simulator runs as its own process. After each size the ledger is checked: one
// credit per deposit with the exact amounts, none twice, every payment captured in Medusa; the bench fails otherwise.
"use strict"
const { bootStore } = require("./lib/store.cjs")
const { report } = require("./lib/measure.cjs")
const { checkLedger, fillPool, paidPayments, withPeakRss } = require("./lib/deposits.cjs")

const SIZES = (process.env.BENCH_CATCH_UP_SIZES ?? "1000,10000").split(",").map(Number)
const MB = (b) => (b / 1024 / 1024).toFixed(0)

async function main() {
  const total = SIZES.reduce((a, b) => a + b, 0)
  // the pool is filled per size (fillPool); its watermark must allow the largest sum, the refill batch stays at 1,000
  const store = await bootStore({ usdtPool: total + 5, extraOptions: { depositPollMaxPages: 1000 } })
  try {
    const { container } = store
    require("../scripts/ts-register.cjs")
    const { runDepositPoll } = require("../src/workflows/deposits/runners/run-deposit-poll")
    const waas = container.resolve("waas")
    const db = container.resolve("__pg_connection__")
    await waas.depositPoll().markRun()

    const title = "catch-up: deposits whose callbacks were all lost, recovered by the poller (pull, apply, capture in Medusa)"
    const header = ["deposits", "polls", "records", "s", "deposits/s", "ms each", "RSS before MB", "RSS peak MB", "peak - before MB"]
    const rows = []
    let ok = true
    for (const size of SIZES) {
      await fillPool(waas, db, size)
      const paid = await paidPayments(store, size)
      const t = performance.now()
      const { result: polls, peak, before } = await withPeakRss(async () => {
        const runs = []
        for (;;) {
          const r = await runDepositPoll(container, { force: true })
          runs.push(r)
          if (r.errors.length) throw new Error(`the poll failed: ${r.errors.join("; ")}`)
          if (r.sync.caught_up && r.medusa.failed === 0 && r.sync.failed === 0) return runs
          if (runs.length > 20) throw new Error(`no catch-up after 20 polls: ${JSON.stringify(r.sync)}`)
        }
      })
      const ms = performance.now() - t
      const records = polls.reduce((a, r) => a + r.sync.records, 0)
      rows.push([size, polls.length, records, (ms / 1000).toFixed(1), ((size * 1000) / ms).toFixed(1), (ms / size).toFixed(1), MB(before), MB(peak), MB(peak - before)])
      const ledger = await checkLedger(db, paid)
      // each size's row as soon as it is done: the larger sizes take minutes
      report(`${title}: ${size}`, header, [rows[rows.length - 1]])
      console.log(`${size} deposits: ${ledger.line}`)
      ok &&= ledger.ok && records === size
    }
    report(title, header, rows)
    if (!ok) console.error("FAILED: the ledger does not match the deposits")
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
