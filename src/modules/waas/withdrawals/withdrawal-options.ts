import { z } from "zod"
import { isDecimalString } from "../../../protocol"
import { FEE_BEARERS } from "./withdrawal-states"

/**
 * The `withdrawals` plugin option (refunds). Every field has a default, so a store that never refunds
 * configures nothing. Parsed by ../options.ts with the rest of the options, so a mistake names the option.
 */
const feeText = z
  .string({ error: 'expected a decimal string such as "3"' })
  .refine((v) => isDecimalString(v), { error: 'expected a decimal string such as "3"' })

const uidText = z
  .union([z.string(), z.number()], { error: "expected the WaaS uid (a whole number)" })
  .transform((v) => String(v))
  .refine((v) => /^[1-9]\d{0,15}$/.test(v), { error: "expected the WaaS uid (a whole number)" })

/**
 * Who pays a refund at the WaaS (`from_uid`):
 *   treasury     a WaaS user the merchant funds for refunds. Required when the WaaS sweeps deposits to the
 *                company account (auto-collection), which empties the depositors' balances.
 *   deposit_uid  the pool user whose address received the money (works only without auto-collection).
 */
const PayerSchema = z.discriminatedUnion(
  "type",
  [z.object({ type: z.literal("treasury"), uid: uidText }), z.object({ type: z.literal("deposit_uid") })],
  { error: 'expected { type: "treasury", uid } or { type: "deposit_uid" }' },
)

const ApprovalTier = z.object({
  /** 3-letter currency code of the refund's fiat amount */
  currency: z.string().regex(/^[A-Za-z]{3}$/, { error: "expected a 3-letter currency code" }).transform((c) => c.toLowerCase()),
  /** a refund of MORE than this fiat amount needs `approvals` distinct approvers */
  above: feeText,
  approvals: z.number().int().min(0).max(10),
})

export const WithdrawalOptionsSchema = z
  .object({
    payer: PayerSchema.default({ type: "deposit_uid" }),
    /** distinct approvers (never the requester) every request needs; 0 lets refunds leave unreviewed */
    approvals: z.number({ error: "expected a whole number from 0 to 10" }).int().min(0).max(10).default(1),
    /** more approvers above a fiat amount; the highest matching tier wins, never fewer than `approvals` */
    approvalTiers: z.array(ApprovalTier).default([]),
    feeBearer: z.enum(FEE_BEARERS, { error: 'expected "merchant" or "shopper"' }).default("merchant"),
    /**
     * The withdrawal service fee per WaaS symbol as configured in the merchant back office; used when the
     * WaaS's coin data does not carry one (getCoinList documents none).
     */
    serviceFees: z.record(z.string().min(1), feeText).default({}),
    /** the second-confirmation answer's form (protocol §3.4): JSON {"data": cipher} or the bare cipher */
    confirmationAnswer: z.enum(["envelope", "bare"], { error: 'expected "envelope" or "bare"' }).default("envelope"),
    /** how often the withdrawal poller runs (lost callbacks, non-final withdrawals); its job ticks every 15 s */
    pollIntervalSeconds: z.number().int().min(15).max(86_400).default(60),
    /** lifetime of the one-time link a shopper uses to give a refund address */
    addressTokenTtlSeconds: z.number().int().min(300).max(30 * 86_400).default(7 * 86_400),
  })
  // parsed through the schema, so an absent option gets every field default above
  .prefault({})

export type WithdrawalOptions = z.output<typeof WithdrawalOptionsSchema>
