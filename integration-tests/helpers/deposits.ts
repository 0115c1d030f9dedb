import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createUserAccountWorkflow } from "@medusajs/medusa/core-flows"
import Decimal from "decimal.js"
import { randomBytes } from "node:crypto"
import { z } from "@medusajs/framework/zod"
import { startSimulator, type WaasSimulator } from "../../simulator"
import { generateWaasKeyPair } from "../../src/protocol"
import type { RawWaasOptions } from "../../src/modules/waas/options"
import { waasPluginOptions, type MerchantCredentials, type SimulatorEndpoint } from "./plugin-options"

/**
 * Shared by the deposit HTTP specs and the bench: options for a store whose deposits a test drives
 * through the simulator, a simulated payer, waiting on the asynchronous side (callbacks are processed
 * after their acknowledgement), reading the ledger straight from Postgres, and an admin login.
 */

/**
 * The plugin options for the deposit specs. Quotes live long (a test shifts a payment's times in the
 * database to make a deposit late) so that the simulator's clock, which tests move forward to reach the
 * WaaS's retries, never makes an on-time deposit look late. The scheduled poller is spaced out to a day
 * so only the tests run it (runDepositPoll with force), never the background job in the middle of an
 * assertion.
 */
export function depositSpecOptions(
  simulator: SimulatorEndpoint,
  merchant: MerchantCredentials,
  { usdtPool = 3, ...extra }: Partial<RawWaasOptions> & { usdtPool?: number } = {},
): RawWaasOptions {
  const base = waasPluginOptions(simulator, merchant, { poolBatchSize: 3 })
  return {
    ...base,
    coins: base.coins.map((c) =>
      c.symbol === "USDTERC20" ? { ...c, poolLowWatermark: usdtPool, poolBatchSize: Math.min(usdtPool, 1000) } : c,
    ),
    quoteLifetimeSeconds: 7 * 86_400,
    monitoringWindowSeconds: 86_400,
    depositPollIntervalSeconds: 86_400,
    // the reconciliation job (every 15 minutes by the clock) finds no day due: the specs run the days they test
    // themselves (a tick after midnight would otherwise reconcile yesterday in the middle of a test)
    reconciliation: { firstDay: "2999-12-31" },
    ...extra,
  }
}

/** polls `probe` until it returns something truthy; fails naming `what` */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  { timeoutMs = 30_000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value) return value
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`)
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/** A shopper's wallet and the chain, as far as the WaaS sees them: transfers, then confirmations. */
export class SimulatedPayer {
  constructor(private readonly sim: WaasSimulator) {}

  /** a transfer that reaches its final status at once (12 confirmations for ERC-20s); returns the WaaS deposit id */
  send(address: string, amount: string, symbol = "USDTERC20", kyt?: "pending" | "risk" | "breaker"): number {
    const deposit = this.sim.control.chainDeposit({ address, amount, symbol, ...(kyt && { kyt }) })
    this.sim.control.confirmDeposit(deposit.id, deposit.requiredConfirmations)
    return deposit.id
  }

  /** a transfer seen on chain but not confirmed yet (WaaS status 0) */
  sendUnconfirmed(address: string, amount: string, symbol = "USDTERC20"): number {
    return this.sim.control.chainDeposit({ address, amount, symbol }).id
  }

  /** the deliveries of the notifications about one deposit */
  deliveries(depositId: number) {
    return this.sim.control.deliveries().filter((d) => d.side === "deposit" && d.recordId === depositId)
  }

  /** waits until the WaaS heard SUCCESS for this deposit's notification */
  async acknowledged(depositId: number, timeoutMs = 30_000) {
    return waitFor(
      `the acknowledgement of deposit ${depositId}'s notification`,
      () => this.deliveries(depositId).find((d) => d.acknowledged),
      { timeoutMs },
    )
  }
}

/** Minimal knex surface the specs use (the runner's dbConnection). */
export interface Sql {
  raw<T = { rows: Array<Record<string, unknown>> }>(sql: string, bindings?: unknown): Promise<T>
}

export async function rows<T = Record<string, unknown>>(db: Sql, sql: string, bindings: unknown[] = []): Promise<T[]> {
  const result = await db.raw<{ rows: T[] }>(sql, bindings)
  return result.rows
}

/** waits until every recorded deposit callback is processed and no processor holds one */
export async function inboxSettled(db: Sql, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    "the callback inbox to be processed",
    async () => {
      const [r] = await rows<{ open: string }>(
        db,
        `SELECT count(*) AS open FROM waas_callback_inbox
          WHERE side = 'deposit' AND (processed_count < received_count OR processing_until IS NOT NULL)`,
      )
      return Number(r.open) === 0
    },
    { timeoutMs },
  )
}

/** what the ledger and the payments say, for before/after comparisons */
export async function ledgerSnapshot(db: Sql) {
  const [counts] = await rows<{ inbox: string; deposits: string; credits: string; credited: string }>(
    db,
    `SELECT (SELECT count(*) FROM waas_callback_inbox) AS inbox,
            (SELECT count(*) FROM waas_deposit) AS deposits,
            (SELECT count(*) FROM waas_deposit_credit) AS credits,
            (SELECT coalesce(string_agg(amount, ',' ORDER BY waas_deposit_id), '') FROM waas_deposit_credit) AS credited`,
  )
  const payments = await rows<{ id: string; status: string; amount_received: string; amount_pending: string }>(
    db,
    `SELECT id, status, amount_received, amount_pending FROM waas_crypto_payment ORDER BY id`,
  )
  return { ...counts, payments }
}

/** the exact sum of decimal strings */
export function sumOf(amounts: string[]): string {
  return amounts.reduce((acc, a) => acc.plus(a), new Decimal(0)).toFixed()
}

/**
 * An admin user, logged in through Medusa's own emailpass route. Works on 2.21.2: the auth module
 * registers the identity, createUserAccountWorkflow binds the user, POST /auth/user/emailpass returns a
 * JWT that /admin routes accept as a Bearer token.
 */
export async function createAdminUser(container: MedusaContainer, email: string, password: string): Promise<void> {
  const auth = container.resolve(Modules.AUTH)
  const { authIdentity, error } = await auth.register("emailpass", { body: { email, password } })
  if (error || !authIdentity) throw new Error(`could not register the admin identity: ${error ?? "no identity"}`)
  await createUserAccountWorkflow(container).run({ input: { authIdentityId: authIdentity.id, userData: { email } } })
}

export async function adminLogin(baseUrl: string, email: string, password: string): Promise<Record<string, string>> {
  const response = await fetch(new URL("/auth/user/emailpass", baseUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  })
  const body = (await response.json()) as { token?: string }
  if (!response.ok || !body.token) throw new Error(`admin login failed with ${response.status}`)
  return { authorization: `Bearer ${body.token}` }
}

/** posts a url-encoded form to the notify route as the WaaS does; returns status, content type and body */
export async function postNotification(baseUrl: string, form: Record<string, string>) {
  const response = await fetch(new URL("/hooks/waas/notify", baseUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  })
  return { status: response.status, contentType: response.headers.get("content-type"), body: await response.text() }
}

/**
 * The WaaS side of a deposit spec: a merchant key pair and a simulator, started before Medusa boots (its url
 * and keys go into WAAS_PLUGIN_OPTIONS, which medusa-config.ts reads at boot) and stopped after the file.
 * Call at the top level of the spec, before storeIntegrationTestRunner (helpers/store-runner.ts), so its beforeAll runs first.
 */
export function useDepositWaas(opts: { usdtPool: number }) {
  const merchantKeys = generateWaasKeyPair()
  const merchant = { appId: randomBytes(16).toString("hex"), merchantPrivateKey: merchantKeys.privateKey }
  let simulator: WaasSimulator | undefined
  beforeAll(async () => {
    simulator = await startSimulator({
      port: 0,
      clock: "real",
      merchants: [{ appId: merchant.appId, merchantPublicKey: merchantKeys.publicKey }],
    })
    process.env.WAAS_PLUGIN_OPTIONS = JSON.stringify(depositSpecOptions(simulator, merchant, opts))
  })
  afterAll(async () => {
    await simulator?.stop()
  })
  const sim = (): WaasSimulator => {
    if (!simulator) throw new Error("the simulator starts in the spec's first beforeAll")
    return simulator
  }
  return { merchantKeys, merchant, sim }
}

/** What the store's payment route shows a shopper, as far as the deposit specs read it. */
export const PublicPayment = z.object({
  session_id: z.string(),
  status: z.string(),
  address: z.string(),
  amount_due: z.string(),
  amount_received: z.string(),
  amount_remaining: z.string(),
})
