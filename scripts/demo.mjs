#!/usr/bin/env node
// `npm run demo [-- --once]`: a whole crypto checkout and a refund on this machine, from a fresh clone.
// Postgres (embedded by default), the WaaS simulator, a Medusa store with the plugin loaded from
// src/, a seeded catalogue and address pool, then a storefront checkout over HTTP, and the order paid
// through the simulator (a transfer, its confirmations, the WaaS's callback answered SUCCESS), then part of
// it refunded (requested by one admin, approved by another, the WaaS's second confirmation answered, the
// withdrawal paid, the refund recorded on the Medusa order). The store and its admin keep running until
// Ctrl-C; with --once the demo exits after the refund, status 0 only when every step succeeded, i.e. when
// the order ended paid and the refund was recorded. Only Node built-ins are imported before dependencies exist.
import { spawnSync } from "node:child_process"
import { mkdirSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const once = process.argv.includes("--once")
const t0 = Date.now()

console.log(`medusa-plugin-waas demo${once ? " (--once: exit once the order is paid, part of it refunded and the admin's order widget checked)" : ""}`)
console.log("\n▶ [0] dependencies: install node_modules when they are missing")
const deps = spawnSync(process.execPath, [join(root, "scripts", "ensure-deps.mjs")], { cwd: root, stdio: "inherit" })
if (deps.status !== 0) {
  console.error("✖ dependencies: scripts/ensure-deps.mjs failed; see its output above")
  process.exit(1)
}

const { createRunner, untilSignal } = await import("./demo/runner.mjs")
const { DEMO_STEPS, DEMO_ONCE_STEPS } = await import("./demo/steps.mjs")
const { stopRunningProcesses } = await import("./demo/processes.mjs")

const workDir = join(root, ".tmp", "demo", String(Date.now()))
mkdirSync(workDir, { recursive: true })
const ctx = { root, once, workDir, log: (name) => join(workDir, `${name}.log`) }
const runner = createRunner()

/** Child processes first (including one caught mid-step, a migration say), then what steps deferred. */
async function shutdown() {
  await stopRunningProcesses()
  await runner.cleanup()
}

// From here on every exit path goes through cleanup, so no process outlives the demo.
let interrupted = false
const stopOnSignal = untilSignal().then(async (signal) => {
  interrupted = true
  console.log(`\n${signal}: stopping everything…`)
  await shutdown()
  process.exit(once ? 1 : 0)
})

try {
  await runner.runSteps(once ? DEMO_ONCE_STEPS : DEMO_STEPS, ctx)
} catch (error) {
  if (interrupted) await stopOnSignal
  console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`)
  console.error(`  logs: ${workDir}`)
  await shutdown()
  process.exit(1)
}

const elapsed = ((Date.now() - t0) / 1000).toFixed(1)
if (once) {
  console.log(`\n✔ demo finished in ${elapsed} s; stopping everything…`)
  await shutdown()
  process.exit(0)
}

console.log(`
✔ ready in ${elapsed} s
  storefront API  ${ctx.medusaUrl}/store  (x-publishable-api-key: ${ctx.seeded.store.publishableKey})
  payment page    ${ctx.medusaUrl}/waas/pay/${ctx.checkout.session.id}  (the demo order's hosted payment page)
  admin           ${ctx.medusaUrl}/app  (${ctx.admin.email} / ${ctx.admin.password}; a second admin to approve refunds: ${ctx.approver.email} / ${ctx.approver.password})
  paid order      ${ctx.medusaUrl}/app/orders/${ctx.checkout.order.id}  (the crypto payment widget; Crypto payments and Reconciliation in the sidebar)
  WaaS simulator  ${ctx.sim.url}${ctx.sim.pathPrefix}, control API ${ctx.sim.controlUrl} (token ${ctx.sim.controlToken})
  logs            ${workDir}
Press Ctrl-C to stop the store, the simulator and Postgres.`)
await stopOnSignal
