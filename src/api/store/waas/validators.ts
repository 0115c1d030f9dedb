import { z } from "@medusajs/framework/zod"

/** A positive decimal in major units, as a string so no float ever touches money ("34.99"). */
const FiatAmount = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,8})?$/, "amount must be a positive decimal string such as 34.99")
  .refine((value) => /[1-9]/.test(value), "amount must be greater than zero")

/**
 * `GET /store/waas/coins`: either `cart_id` (the indicative amount is the cart total), or
 * `amount` + `currency_code`, or nothing (just the list). Anything else is a client mistake.
 */
export const StoreListWaasCoinsParams = z
  .object({
    cart_id: z.string().min(1).max(100).optional(),
    amount: FiatAmount.optional(),
    currency_code: z
      .string()
      .regex(/^[a-zA-Z]{3}$/, "currency_code must be a 3-letter ISO code")
      .transform((code) => code.toLowerCase())
      .optional(),
  })
  .strict()
  .refine((q) => !(q.cart_id && (q.amount || q.currency_code)), {
    message: "pass either cart_id or amount with currency_code, not both",
  })
  .refine((q) => Boolean(q.amount) === Boolean(q.currency_code), {
    message: "amount and currency_code go together",
  })

export type StoreListWaasCoinsParamsType = z.infer<typeof StoreListWaasCoinsParams>

/** Payment session ids are Medusa ids (`payses_<ulid>`); bound the length before any lookup. */
export const StoreWaasPaymentParams = z.object({
  session_id: z.string().min(1).max(100),
})
