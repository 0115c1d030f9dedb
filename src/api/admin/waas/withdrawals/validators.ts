import { z } from "@medusajs/framework/zod"
import { WITHDRAWAL_GROUP_NAMES, WITHDRAWAL_STATUSES } from "../../../../modules/waas/withdrawals/withdrawal-states"

/** Input of the admin withdrawal (refund) routes, parsed before anything is looked up. */
const Id = (what: string) => z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, `${what} must be an id such as ${what.split("_")[0]}_01…`)
const decimal = (what: string) => z.string().regex(/^\d{1,30}(\.\d{1,36})?$/, `${what} must be a decimal string such as "12.5"`)
const Reason = z.string().trim().min(1, "a reason is required").max(1000)

export const AdminDestination = z
  .object({
    address: z.string().trim().min(1, "address is required").max(200),
    memo: z.string().trim().max(64).optional().nullable(),
  })
  .strict()

const Common = { reason: Reason, destination: AdminDestination.optional() }
const PaymentRef = {
  order_id: Id("order_id").optional(),
  crypto_payment_id: Id("crypto_payment_id").optional(),
}
const onePayment = (b: { order_id?: string; crypto_payment_id?: string }) => Boolean(b.order_id) !== Boolean(b.crypto_payment_id)

/**
 * `POST /admin/waas/withdrawals`:
 *   payment  refund an order's crypto payment by `fiat_amount` (rate_basis "locked", the default, or
 *            "current") or by an exact `crypto_amount`;
 *   excess   refund an overpayment's recorded excess (all of it unless `crypto_amount`);
 *   deposit  refund a held or orphaned deposit already marked for refund (all of it unless `crypto_amount`).
 */
export const AdminCreateWithdrawal = z.discriminatedUnion(
  "source",
  [
    z
      .object({
        source: z.literal("payment"),
        ...PaymentRef,
        fiat_amount: decimal("fiat_amount").optional(),
        rate_basis: z.enum(["locked", "current"]).default("locked"),
        crypto_amount: decimal("crypto_amount").optional(),
        ...Common,
      })
      .strict()
      .refine(onePayment, { message: "pass order_id or crypto_payment_id" })
      .refine((b) => Boolean(b.fiat_amount) !== Boolean(b.crypto_amount), { message: "pass fiat_amount or crypto_amount" }),
    z
      .object({ source: z.literal("excess"), ...PaymentRef, crypto_amount: decimal("crypto_amount").optional(), ...Common })
      .strict()
      .refine(onePayment, { message: "pass order_id or crypto_payment_id" }),
    z.object({ source: z.literal("deposit"), deposit_id: Id("deposit_id"), crypto_amount: decimal("crypto_amount").optional(), ...Common }).strict(),
  ],
  { error: 'source must be "payment", "excess" or "deposit"' },
)
export type AdminCreateWithdrawalBody = z.infer<typeof AdminCreateWithdrawal>

/** `GET /admin/waas/withdrawals`: one status, or one of the Refunds tab's groups (WITHDRAWAL_GROUPS), not both */
export const AdminWithdrawalList = z
  .object({
    status: z.enum(WITHDRAWAL_STATUSES).optional(),
    group: z.enum(WITHDRAWAL_GROUP_NAMES, { error: `group must be one of ${WITHDRAWAL_GROUP_NAMES.join(", ")}` }).optional(),
    order_id: Id("order_id").optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict()
  .refine((q) => !(q.status && q.group), { message: "pass status or group, not both" })

export const AdminWithdrawalReason = z.object({ reason: Reason }).strict()
