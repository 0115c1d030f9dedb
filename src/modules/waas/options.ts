import { z } from "zod"
import { AddressReuseSchema, CoinSchema, httpUrl, milliseconds, RateSourceSchema, wholeNumber } from "./option-schemas"
import { defaultUriScheme, type UriScheme } from "./checkout/uri-scheme"
import { isDecimalString, loadPrivateKey, loadPublicKey, parseDecimal } from "../../protocol"
import { PaymentPageOptionsSchema } from "./checkout/payment-page/page-options"
import { LATE_PAYMENT_POLICIES } from "./deposits/outcome"
import { ReconciliationOptionsSchema } from "./reconciliation/recon-options"
import { AlertOptionsSchema } from "./alerts/alert-options"
import { WithdrawalOptionsSchema } from "./withdrawals/withdrawal-options"

/**
 * The plugin options (the `options` of the plugin entry in the store's medusa-config), parsed once at boot.
 * Every failure names the option it is about, so a store owner can fix the config without reading code:
 *   medusa-plugin-waas: invalid option "coins[1].decimals": expected a whole number from 0 to 36
 */

export const OPTIONS_ERROR_PREFIX = "medusa-plugin-waas"

const OptionsObject = z.object({
  waasHost: httpUrl,
  pathPrefix: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)*$/, { error: 'expected a path such as "/api/v2" (or "")' })
    .default("/api/v2"),
  appId: z.string({ error: "expected the merchant app_id" }).min(1, { error: "expected the merchant app_id" }),
  merchantPrivateKey: z
    .string({ error: "expected the merchant RSA private key (PKCS#8, base64 DER or PEM)" })
    .refine((v) => canLoad(() => loadPrivateKey(v)), {
      error: "expected a 2048-bit RSA private key (PKCS#8, base64 DER or PEM)",
    }),
  waasPublicKey: z
    .string({ error: "expected the WaaS RSA public key (X.509 SPKI, base64 DER or PEM)" })
    .refine((v) => canLoad(() => loadPublicKey(v)), {
      error: "expected a 2048-bit RSA public key (X.509 SPKI, base64 DER or PEM)",
    }),
  connectTimeoutMs: milliseconds(5_000),
  readTimeoutMs: milliseconds(15_000),
  coins: z.array(CoinSchema, { error: "expected a list of coins" }).min(1, { error: "expected at least one coin" }),
  defaultCoin: z.string().min(1).optional(),
  quoteLifetimeSeconds: wholeNumber(30, 7 * 86_400).default(900),
  monitoringWindowSeconds: wholeNumber(0, 30 * 86_400).default(3_600),
  underpaymentTolerance: z
    .string({ error: 'expected a decimal fraction such as "0.005"' })
    .refine((v) => isDecimalString(v) && parseDecimal(v).lt(1), {
      error: 'expected a decimal fraction from "0" up to (not including) "1", such as "0.005"',
    })
    .default("0"),
  /**
   * A confirmed deposit made after the quote expired but inside the monitoring window: "hold" (default)
   * parks it for an admin (the rate may have moved since the quote); "accept" credits it at the quoted rate.
   * After the window, deposits are always orphans for an admin.
   */
  latePaymentPolicy: z
    .enum(LATE_PAYMENT_POLICIES, { error: 'expected "accept" or "hold"' })
    .default("hold"),
  /** how often the deposit poller runs (the polling fallback for lost callbacks); its job ticks every 15 s */
  depositPollIntervalSeconds: wholeNumber(15, 86_400).default(60),
  /** at most this many syncDepositList pages (100 deposits each) per poll run */
  depositPollMaxPages: wholeNumber(1, 1_000).default(20),
  /**
   * where a new install's syncDepositList cursor starts (a WaaS deposit id; "0": the whole history). Unset: after
   * the highest WaaS deposit id the plugin has seen when the cursor is created. Older history: the admin backfill.
   */
  depositSyncStartAfter: z.string().regex(/^\d{1,16}$/, { error: 'expected a WaaS deposit id such as "1234" (or "0")' }).optional(),
  /**
   * How far the WaaS's clock may lag the store's when a deposit is matched to the payment holding its address:
   * a deposit dated up to this long before the payment took the address is still that payment's, unless it is
   * from before the address's previous quarantine ended (the previous holder's time).
   */
  depositClockGraceSeconds: wholeNumber(0, 3_600).default(300),
  addressReuse: AddressReuseSchema.default({ mode: "quarantine", quarantineSeconds: 7 * 86_400 }),
  rateSource: RateSourceSchema,
  /**
   * Domain of the emails the pool registers at the WaaS. `.invalid` is reserved (RFC 2606): mail to it can
   * never be delivered, so a synthetic account can never be confused with, or reach, a real person.
   */
  syntheticEmailDomain: z
    .string()
    .max(50, { error: "expected a domain of at most 50 characters (emails must stay within 100)" })
    .regex(/^(?=.{1,50}$)([a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, {
      error: 'expected a lower-case domain such as "waas-pool.invalid"',
    })
    .default("waas-pool.invalid"),
  /**
   * Start the pool's first fill when the application starts (in the background: boot never waits on the WaaS),
   * on every instance that runs jobs (workerMode "shared" or "worker"), instead of waiting for the first refill
   * tick (up to 5 minutes). Safe on several instances (the refill's advisory lock).
   */
  refillOnBoot: z.boolean({ error: "expected true or false" }).default(true),
  /** the WaaS's registered-user cap per merchant (protocol §2.1: 50,000 unless ChainUp raised it) */
  userCap: wholeNumber(1, 100_000_000).default(50_000),
  liveFetchTimeoutMs: milliseconds(3_000),
  /**
   * The notify route's bound on waiting for a database connection and on each statement while it records a
   * callback: with the database down it answers FAILURE (503) this soon, well inside the WaaS's wait for an
   * answer, so the WaaS retries instead of timing out.
   */
  callbackDbTimeoutMs: wholeNumber(100, 30_000).default(3_000),
  /**
   * database connections of the notify route's own small pool (callbacks/record-pool.ts): recording never
   * waits behind processing for a connection of the store's pool
   */
  callbackRecordPoolSize: wholeNumber(1, 20).default(2),
  /**
   * the hot statements (the checkout claim, a deposit's credit) as named, server-side prepared statements,
   * planned once per connection (prepared-sql.ts); false behind a pooler that cannot keep them (PgBouncer before
   * 1.21 in transaction mode)
   */
  dbPreparedStatements: z.boolean({ error: "expected true or false" }).default(true),
  /**
   * recorded callbacks processed at once per instance (the bounded queue behind the notify route): a burst
   * is acknowledged at recording speed and processed behind it; the deposit poller sweeps whatever the
   * queue did not get to (a full queue, a restart)
   */
  callbackProcessingConcurrency: wholeNumber(1, 32).default(2),
  /**
   * Medusa captures run at once for a page of deposits (the poller's, the inbox sweep's) once the page is on the
   * books: Medusa's processPaymentWorkflow is most of a credit's cost, and a few at a time go faster than one
   */
  depositCaptureConcurrency: wholeNumber(1, 16).default(4),
  /** recorded callbacks waiting in that queue at most; past it the poller's sweep processes them */
  callbackQueueLimit: wholeNumber(1, 1_000_000).default(10_000),
  /**
   * live address fetches (each registers a WaaS user, which can never be deleted) at checkout per minute,
   * shared by all instances; past it an empty pool answers "no deposit address available right now".
   * The refill job is the only path that registers users in bulk. 0: never fetch at checkout.
   */
  liveFetchBudgetPerMinute: wholeNumber(0, 1_000).default(5),
  /** the zone of the WaaS's formatted callback times (protocol §4.2: probably UTC+8) */
  callbackUtcOffsetMinutes: wholeNumber(-720, 840).default(480),
  /** refunds as WaaS withdrawals: payer, approvals, fee bearer (withdrawals/withdrawal-options.ts) */
  withdrawals: WithdrawalOptionsSchema,
  /** the daily reconciliation: the business day's zone, the settle delay (reconciliation/recon-options.ts) */
  reconciliation: ReconciliationOptionsSchema,
  /** the hosted payment page (checkout/payment-page/page-options.ts) */
  paymentPage: PaymentPageOptionsSchema,
  /** alert thresholds (alerts/alert-options.ts); every one has a default */
  alerts: AlertOptionsSchema,
})

function canLoad(load: () => unknown): boolean {
  try {
    load()
    return true
  } catch {
    return false
  }
}

/**
 * How long an address a shopper has seen stays out of the pool, at the least, while addresses are reused.
 * A deposit belongs to the payment that held its address when the WaaS recorded it, so a transfer the
 * previous shopper makes once the address is back in someone else's checkout is credited to that next
 * shopper. These floors cover the transfers that come soon after: a repeated send, a wallet's retry, a
 * transaction the WaaS records only at its first confirmation (tens of minutes on Bitcoin when fees are low),
 * and a few minutes of clock difference between the WaaS and the store. Later ones are what the default week
 * of quarantine is for; `{ mode: "never" }` removes the risk altogether.
 */
export const MIN_QUARANTINE_SECONDS = 3_600
/**
 * An address whose payment session was replaced before anything arrived rests only until its quote's
 * monitoring window closes (no quarantine follows), so in reuse mode the window needs a floor of its own.
 */
export const MIN_REUSE_MONITORING_WINDOW_SECONDS = 900

const NEXT_SHOPPER_RISK = "a transfer its previous shopper makes after that would be credited to the next shopper's order"

/** Cross-field rules, each reported on the option a person has to change. */
const OptionsSchema = OptionsObject.superRefine((o, ctx) => {
  const seen = new Map<string, number>()
  o.coins.forEach((coin, i) => {
    const first = seen.get(coin.symbol)
    if (first !== undefined) {
      ctx.addIssue({ code: "custom", path: ["coins", i, "symbol"], message: `duplicate symbol, already used by coins[${first}]` })
    }
    seen.set(coin.symbol, i)
    if (coin.contractAddress && (coin.uriScheme ?? defaultUriScheme(coin.network)) !== "eip681") {
      ctx.addIssue({
        code: "custom",
        path: ["coins", i, "contractAddress"],
        message: "a contract address needs an EIP-681 coin (network \"ethereum\" or uriScheme \"eip681\")",
      })
    }
  })
  const enabled = o.coins.filter((c) => c.enabled)
  if (enabled.length === 0) {
    ctx.addIssue({ code: "custom", path: ["coins"], message: "expected at least one enabled coin" })
  }
  if (o.defaultCoin !== undefined && !enabled.some((c) => c.symbol === o.defaultCoin)) {
    ctx.addIssue({
      code: "custom",
      path: ["defaultCoin"],
      message: `expected the symbol of an enabled coin (${enabled.map((c) => c.symbol).join(", ") || "none enabled"})`,
    })
  }
  if (o.addressReuse.mode === "quarantine") {
    if (o.addressReuse.quarantineSeconds < MIN_QUARANTINE_SECONDS) {
      ctx.addIssue({
        code: "custom",
        path: ["addressReuse", "quarantineSeconds"],
        message:
          `expected at least ${MIN_QUARANTINE_SECONDS} (1 hour): an address goes back to the pool when its quarantine ends, ` +
          `and ${NEXT_SHOPPER_RISK}; use { mode: "never" } to never reuse an address`,
      })
    } else if (o.monitoringWindowSeconds < MIN_REUSE_MONITORING_WINDOW_SECONDS) {
      ctx.addIssue({
        code: "custom",
        path: ["monitoringWindowSeconds"],
        message:
          `expected at least ${MIN_REUSE_MONITORING_WINDOW_SECONDS} (15 minutes) while addresses are reused: the address of a ` +
          `replaced payment session goes back to the pool when this window closes, and ${NEXT_SHOPPER_RISK}; ` +
          `or set addressReuse to { mode: "never" }`,
      })
    }
  }
  if (o.rateSource.type === "http" && !o.rateSource.url.includes("{symbol}")) {
    ctx.addIssue({ code: "custom", path: ["rateSource", "url"], message: "expected a URL template containing {symbol}" })
  }
})

export type RawWaasOptions = z.input<typeof OptionsObject>
type ParsedOptions = z.output<typeof OptionsObject>
export type CoinConfig = Omit<ParsedOptions["coins"][number], "uriScheme"> & { uriScheme: UriScheme }
export type AddressReuse = ParsedOptions["addressReuse"]
export type RateSourceConfig = ParsedOptions["rateSource"]
export type HttpRateSourceConfig = Extract<RateSourceConfig, { type: "http" }>
export type FixedRateSourceConfig = Extract<RateSourceConfig, { type: "fixed" }>

export type WaasOptions = Omit<ParsedOptions, "coins" | "defaultCoin"> & {
  coins: CoinConfig[]
  /** always set after parsing: the configured default or the first enabled coin */
  defaultCoin: string
}

export class WaasOptionsError extends Error {
  readonly option: string
  constructor(option: string, detail: string) {
    super(`${OPTIONS_ERROR_PREFIX}: invalid option "${option}": ${detail}`)
    this.name = "WaasOptionsError"
    this.option = option
  }
}

/** ["coins", 1, "decimals"] → coins[1].decimals */
export function formatOptionPath(path: ReadonlyArray<PropertyKey>): string {
  let out = ""
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`
    else out += out ? `.${String(part)}` : String(part)
  }
  return out || "(options)"
}

/** Parses and validates; throws a WaasOptionsError naming the first bad option. */
export function parseWaasOptions(input: unknown): WaasOptions {
  const result = OptionsSchema.safeParse(input ?? {})
  if (!result.success) {
    const issue = result.error.issues[0]
    // say plainly when an option is missing rather than "expected …" about a value nobody wrote
    const missing = issue.code === "invalid_type" && valueAt(input, issue.path) === undefined
    const detail = missing ? `is required (${issue.message})` : issue.message
    throw new WaasOptionsError(formatOptionPath(issue.path), detail)
  }
  const o = result.data
  const coins: CoinConfig[] = o.coins.map((c) => ({ ...c, uriScheme: c.uriScheme ?? defaultUriScheme(c.network) }))
  const defaultCoin = o.defaultCoin ?? coins.find((c) => c.enabled)!.symbol
  return { ...o, coins, defaultCoin }
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = input
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return current
}
