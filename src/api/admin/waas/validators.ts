import { MedusaError } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { CRYPTO_PAYMENT_STATUSES } from "../../../modules/waas/checkout/payment-states"

/** Medusa and plugin ids: bounded, no whitespace, before any lookup. */
const Id = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .regex(/^[A-Za-z0-9_-]{1,100}$/, `${what} must be an id such as ${what.split(" ")[0]}_01…`)

export const AdminWaasIdParams = z.object({ id: Id("id") })

/** `GET /admin/waas/payments?order_id=…` or `?payment_session_id=…`: one order's (or session's) crypto payments. */
export const AdminWaasPaymentLookup = z
  .object({
    order_id: Id("order_id").optional(),
    payment_session_id: Id("payment_session_id").optional(),
  })
  .strict()
  .refine((q) => Boolean(q.order_id) !== Boolean(q.payment_session_id), {
    message: "pass either order_id or payment_session_id",
  })

const isoDate = (what: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$/, `${what} must be a date such as 2026-12-01 or an ISO time`)
    .transform((v) => new Date(v))
    .refine((d) => !Number.isNaN(d.getTime()), `${what} is not a real date`)

/**
 * `GET /admin/waas/payments` without order_id/payment_session_id: the list, newest first. status is one status or
 * several comma-separated; created_from/created_to bound created_at (from inclusive, to exclusive); q searches an
 * order number (#1001 or 1001), an order or payment id, part of a deposit address or of a deposit's txid.
 */
export const AdminWaasPaymentList = z
  .object({
    status: z
      .string()
      .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.enum(CRYPTO_PAYMENT_STATUSES, { error: `status must be one of ${CRYPTO_PAYMENT_STATUSES.join(", ")}` })).max(20))
      .optional(),
    symbol: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "symbol must be a coin symbol such as USDTERC20").optional(),
    created_from: isoDate("created_from").optional(),
    created_to: isoDate("created_to").optional(),
    q: z.string().trim().min(1).max(200, "q is at most 200 characters").optional(),
    limit: z.coerce.number().int().min(1).max(200).default(20),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict()

const Paging = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
}

/** `GET /admin/waas/orphans`: the review queue (decisions to make, reversals to acknowledge). */
export const AdminWaasOrphanList = z
  .object({
    status: z.enum(["held", "orphaned", "needs_review", "reversed"]).optional(),
    ...Paging,
  })
  .strict()

/** `GET /admin/waas/inbox`: recorded callbacks still to process (pending), those whose processing keeps failing, or all. */
export const AdminWaasInboxList = z
  .object({
    state: z.enum(["pending", "failing", "all"]).default("pending"),
    ...Paging,
  })
  .strict()

const Note = z.string().max(1000).optional()

/**
 * `POST /admin/waas/orphans/:id/resolve`:
 *   attach           credit the deposit to an order's crypto payment (order_id), a given crypto payment, or
 *                    (for a held late deposit) the payment it was sent for;
 *   mark_for_refund  send it back to its sender (the withdrawal flow pays it);
 *   acknowledge      a reversed deposit has been dealt with: it leaves the review queue.
 * attach and mark_for_refund re-read the deposit from the WaaS first and are refused unless it reports success.
 */
export const AdminResolveOrphan = z.discriminatedUnion(
  "action",
  [
    z
      .object({
        action: z.literal("attach"),
        order_id: Id("order_id").optional(),
        crypto_payment_id: Id("crypto_payment_id").optional(),
        note: Note,
      })
      .strict()
      .refine((b) => !(b.order_id && b.crypto_payment_id), { message: "pass order_id or crypto_payment_id, not both" }),
    z.object({ action: z.literal("mark_for_refund"), note: Note }).strict(),
    z.object({ action: z.literal("acknowledge"), note: Note }).strict(),
  ],
  { error: 'action must be "attach", "mark_for_refund" or "acknowledge"' },
)
export type AdminResolveOrphanBody = z.infer<typeof AdminResolveOrphan>

/** `POST /admin/waas/pool/refill`: every enabled coin, or the ones named. */
export const AdminRefillPool = z
  .object({ symbols: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "symbols must be coin symbols")).min(1).max(50).optional() })
  .strict()

/** `POST /admin/waas/deposits/backfill`: the WaaS's deposits above `after`, up to the poller's cursor. */
export const AdminDepositBackfill = z
  .object({
    after: z.string().regex(/^\d{1,16}$/, "after must be a WaaS deposit id such as 0 or 1234").default("0"),
    max_pages: z.number().int("max_pages must be a whole number").min(1, "max_pages must be 1 to 1000").max(1_000, "max_pages must be 1 to 1000").optional(),
  })
  .strict()

/** Parses or answers 400 with the first problem, naming the field (never echoing a value). */
export function parseOr400<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {})
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const where = issue.path.length ? `${issue.path.join(".")}: ` : ""
  throw new InvalidAdminInput(`${where}${issue.message}`)
}

export class InvalidAdminInput extends MedusaError {
  constructor(message: string) {
    super(MedusaError.Types.INVALID_DATA, message)
  }
}

/** `GET /admin/waas/alerts`: open alerts first, then the recently resolved; or one status only. */
export const AdminWaasAlertList = z
  .object({
    status: z.enum(["open", "resolved", "all"]).default("all"),
    ...Paging,
  })
  .strict()
