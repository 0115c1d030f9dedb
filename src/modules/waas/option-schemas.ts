import { z } from "zod"
import { URI_SCHEMES } from "./checkout/uri-scheme"
import { isDecimalString } from "../../protocol"

/** The building blocks of the plugin options' schema (options.ts): numbers, URLs, coins, address reuse, rates. */

export const wholeNumber = (min: number, max: number) => {
  const message = `expected a whole number from ${min} to ${max}`
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message })
}

export const milliseconds = (fallback: number) => wholeNumber(1, 600_000).default(fallback)

const positiveDecimal = z
  .string({ error: 'expected a positive decimal string such as "65000.12"' })
  .refine((v) => isDecimalString(v, { allowZero: false }), {
    error: 'expected a positive decimal string such as "65000.12"',
  })

export const httpUrl = z
  .string({ error: "expected an http(s) URL" })
  .regex(/^https?:\/\/[^\s]+$/i, { error: "expected an http(s) URL" })


export const CoinSchema = z.object({
  /** the WaaS symbol, exactly as getCoinList returns it (protocol §4.5) */
  symbol: z
    .string({ error: "expected the WaaS coin symbol" })
    .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: "expected the WaaS coin symbol (letters, digits, . _ -)" }),
  displayName: z.string({ error: "expected a display name" }).min(1, { error: "expected a display name" }),
  /** the chain, lower-case, e.g. "bitcoin", "ethereum", "tron"; also the scheme of plain and BIP21 URIs */
  network: z
    .string({ error: "expected a network name" })
    .regex(/^[a-z][a-z0-9.+-]{0,63}$/, { error: 'expected a lower-case network name such as "ethereum"' }),
  decimals: wholeNumber(0, 36),
  /** with {address}/{txid} placeholders, or a base URL that gets "/address/<addr>" appended */
  explorerUrl: httpUrl.optional(),
  uriScheme: z.enum(URI_SCHEMES, { error: 'expected "bip21", "eip681" or "plain"' }).optional(),
  chainId: wholeNumber(1, Number.MAX_SAFE_INTEGER).optional(),
  contractAddress: z
    .string({ error: "expected a 0x-prefixed 20-byte hex address" })
    .regex(/^0x[0-9a-fA-F]{40}$/, { error: "expected a 0x-prefixed 20-byte hex address" })
    .optional(),
  poolLowWatermark: wholeNumber(0, 100_000).default(10),
  poolBatchSize: wholeNumber(1, 1_000).default(10),
  enabled: z.boolean({ error: "expected true or false" }).default(true),
})

export const AddressReuseSchema = z.discriminatedUnion(
  "mode",
  [
    z.object({ mode: z.literal("quarantine"), quarantineSeconds: wholeNumber(0, 10 * 365 * 86_400).default(7 * 86_400) }),
    z.object({ mode: z.literal("never") }),
  ],
  { error: 'expected { mode: "quarantine", quarantineSeconds } or { mode: "never" }' },
)

const currencyRates = z.record(
  z.string().regex(/^[A-Za-z]{3}$/, { error: "expected a 3-letter currency code" }),
  positiveDecimal,
)

export const RateSourceSchema = z.discriminatedUnion(
  "type",
  [
    z.object({
      type: z.literal("fixed"),
      /** { [waasSymbol]: { [currencyCode]: "price of one coin in that currency" } } */
      rates: z.record(z.string().min(1), currencyRates),
    }),
    z.object({
      type: z.literal("http"),
      /** template with {symbol} and {currency}, e.g. https://prices.example/v1/{symbol}-{currency} */
      url: httpUrl,
      /** dot path to the price in the JSON answer, e.g. "data.amount" or "prices.0.value" */
      pricePath: z.string().min(1, { error: "expected a dot path such as data.amount" }),
      /** dot path to the quote time (epoch s, epoch ms or ISO-8601); enables the maxAgeSeconds check */
      timePath: z.string().min(1).optional(),
      maxAgeSeconds: wholeNumber(1, 86_400).default(300),
      timeoutMs: milliseconds(3_000),
      cacheSeconds: wholeNumber(0, 3_600).default(60),
      /** extra request headers (an API key, for instance); never logged */
      headers: z.record(z.string(), z.string()).optional(),
      /** the {symbol} sent to the rate API when it differs from the WaaS symbol, e.g. { USDTERC20: "USDT" } */
      symbolAliases: z.record(z.string(), z.string()).optional(),
    }),
  ],
  { error: 'expected { type: "fixed", rates } or { type: "http", url, pricePath, … }' },
)
