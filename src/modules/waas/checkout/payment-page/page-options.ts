import { z } from "zod"
import { PAYMENT_PAGE_STRINGS, type PaymentPageStringKey } from "./page-strings"

/** Prefixes Medusa guards with its own middlewares (publishable key, admin auth) or that the plugin uses. */
const RESERVED_PREFIXES = ["/store", "/admin", "/auth", "/hooks", "/app"]

const pagePath = z
  .string({ error: 'expected a path such as "/waas/pay"' })
  .regex(/^(\/[a-z0-9][a-z0-9._-]*)+$/, { error: 'expected a lower-case path such as "/waas/pay" (no trailing slash)' })
  .refine((p) => !RESERVED_PREFIXES.some((r) => p === r || p.startsWith(`${r}/`)), {
    error: `expected a path outside ${RESERVED_PREFIXES.join(", ")} (Medusa guards those with its own authentication)`,
  })

const stringKeys = Object.keys(PAYMENT_PAGE_STRINGS) as [PaymentPageStringKey, ...PaymentPageStringKey[]]

/**
 * The `paymentPage` option: the hosted payment page a store can send its shoppers to
 * (`<path>/<payment session id>`). Every field has a default; `{ enabled: false }` turns it off.
 */
export const PaymentPageOptionsSchema = z
  .object({
    enabled: z.boolean({ error: "expected true or false" }).default(true),
    path: pagePath.default("/waas/pay"),
    /**
     * Where the "Back to the store" link goes once paid (or expired). `{session_id}` is filled in. Without it
     * the page shows no link.
     */
    returnUrl: z
      .string({ error: "expected an http(s) URL" })
      .regex(/^https?:\/\/[^\s"'<>]+$/i, { error: "expected an http(s) URL" })
      .optional(),
    /** how often the page asks for the payment's state (it also asks when it becomes visible again) */
    pollIntervalSeconds: z.number().int().min(2, { error: "expected a whole number from 2 to 120" }).max(120, { error: "expected a whole number from 2 to 120" }).default(5),
    /** translations of the page's text: any keys of page-strings.ts; the rest stay English */
    strings: z
      .partialRecord(z.enum(stringKeys, { error: "expected a key of the page strings (see page-strings.ts)" }), z.string().min(1).max(500))
      .default({}),
  })
  .strict()
  .default({ enabled: true, path: "/waas/pay", pollIntervalSeconds: 5, strings: {} })

export type PaymentPageOptions = z.output<typeof PaymentPageOptionsSchema>
