// Question: what does a poll cost per deposit when its syncDepositList pages hold only deposits already applied
// (the steady state: every deposit credited from its callback comes round once more in the sync), now that such
// records are passed over with one query a page, against the same poll before (every record applied again through
// the deposit workflow, as the poller did until issue 11) and against the raw floor (the pages read from the WaaS
// and nothing else)? Each round moves the deposit cursor back to where these deposits start, then runs one side
// over the same pages; rounds interleave the three; medians, in ms per deposit. Target: ours < 0.5 ms.
// The WaaS simulator runs as its own process. The ledger is checked afterwards: credits = deposits, none twice.
"use strict"
const { bootStore } = require("./lib/store.cjs")
const { median, report } = require("./lib/measure.cjs")
const { checkLedger, fillPool, paidPayments } = require("./lib/deposits.cjs")

const DEPOSITS = Number(process.env.BENCH_DEPOSITS ?? 500)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

async function main() {
  const store = await bootStore({ usdtPool: Math.min(DEPOSITS + 5, 1000), extraOptions: { depositPollMaxPages: 1000 } })
  try {
    const { container } = store
    require("../scripts/ts-register.cjs")
    const { runDepositPoll } = require("../src/workflows/deposits/runners/run-deposit-poll")
    const { applyPulled } = require("../src/workflows/deposits/runners/apply-pulled")
    const { waasIdOf } = require("../src/modules/waas/deposits/pulled-deposit")
    const waas = container.resolve("waas")
    const db = container.resolve("__pg_connection__")

    await fillPool(waas, db, DEPOSITS)
    await waas.depositPoll().markRun()
    const start = await waas.depositPoll().cursor()
    const paid = await paidPayments(store, DEPOSITS)
    // applied once, as their callbacks would have (here by a first poll: the simulator sends no notifications)
    const first = await runDepositPoll(container, { force: true })
    if (first.sync.records !== DEPOSITS || first.errors.length) throw new Error(`the first poll: ${JSON.stringify(first)}`)
    const end = first.sync.cursor_to
    const rewind = () => db.raw(`UPDATE waas_sync_cursor SET max_id = ? WHERE name = 'deposits'`, [start])

    const sides = {
      // the poll as it runs now: inbox sweep, sync (passing over unchanged records), re-read, Medusa re-drive
      ours: async () => {
        await rewind()
        const r = await runDepositPoll(container, { force: true })
        if (r.sync.skipped !== DEPOSITS || r.sync.cursor_to !== end) throw new Error(`ours: ${JSON.stringify(r.sync)}`)
      },
      // the sync as it was: every record of every page through the deposit workflow, the cursor moved per page
      before: async () => {
        await rewind()
        let cursor = start
        for (;;) {
          const { deposits } = await waas.syncDepositsAfter(cursor)
          if (deposits.length === 0) break
          for (const d of deposits) {
            const r = await applyPulled(container, d)
            if (!r.applied) throw new Error(`before: ${r.error}`)
          }
          const last = waasIdOf(deposits[deposits.length - 1])
          await waas.depositPoll().advance(cursor, last)
          cursor = last
          if (deposits.length < 100) break
        }
      },
      // the floor: the same pages read from the WaaS (signed request, decrypted and validated answer), nothing applied
      raw: async () => {
        let cursor = start
        for (;;) {
          const { deposits } = await waas.syncDepositsAfter(cursor)
          if (deposits.length === 0 || deposits.length < 100) break
          cursor = waasIdOf(deposits[deposits.length - 1])
        }
      },
    }
    const times = { ours: [], before: [], raw: [] }
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, run] of Object.entries(sides)) {
        const t = performance.now()
        await run()
        times[name].push((performance.now() - t) / DEPOSITS)
      }
    }
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]))
    report(
      `a poll over ${DEPOSITS / 100} pages of ${DEPOSITS} deposits already applied (${ROUNDS} interleaved rounds, medians)`,
      ["side", "ms per deposit", "ms per page", "vs before"],
      [
        ["ours (passes over unchanged)", m.ours.toFixed(3), (m.ours * 100).toFixed(1), `${(m.before / m.ours).toFixed(1)}x faster`],
        ["before (applies every record)", m.before.toFixed(3), (m.before * 100).toFixed(1), "1.0x"],
        ["raw (pages read only)", m.raw.toFixed(3), (m.raw * 100).toFixed(1), `${(m.before / m.raw).toFixed(1)}x faster`],
      ],
    )
    console.log(`\nours over the raw floor: +${(m.ours - m.raw).toFixed(3)} ms per deposit; target: ours < 0.5 ms per deposit (${m.ours < 0.5 ? "met" : "NOT met"})`)
    const ledger = await checkLedger(db, paid)
    console.log(ledger.line)
    if (!ledger.ok) console.error("FAILED: the ledger does not match the deposits")
    return ledger.ok
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
