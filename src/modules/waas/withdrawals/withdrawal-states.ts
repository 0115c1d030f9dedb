import { StateMachine } from "../state-machine"

/**
 * A refund paid as a WaaS withdrawal (a row of waas_withdrawal), written once as a transition table.
 *
 * requested   an admin (or the order cancellation) asked for it; waits for a destination and approvals
 * approved    enough distinct admins other than the requester approved it; waits for its submission
 * submitting  committed BEFORE the withdraw call: the only state the second-confirmation route confirms
 * submitted   the WaaS accepted it (withdraw answered, or withdrawList shows it); coins not yet out
 * completed   the WaaS reports success (status 5; status 0 of an internal transfer)
 * rejected    an admin rejected it, with a reason; it never reached the WaaS
 * canceled    withdrawn by an admin before submission, or cancelled at the WaaS (status 6)
 * failed      the WaaS refused it (a business error code) or reports it failed (status 2, 4; 1 internal)
 *
 * completed, rejected, canceled and failed are final. Only `completed` leads to a Medusa refund; the
 * three others give the refundable amount back (they stop counting as in flight).
 */
export const WITHDRAWAL_STATUSES = [
  "requested",
  "approved",
  "submitting",
  "submitted",
  "completed",
  "rejected",
  "canceled",
  "failed",
] as const
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number]

export const WithdrawalMachine = new StateMachine<WithdrawalStatus>(
  "withdrawal",
  {
    requested: ["approved", "rejected", "canceled"],
    approved: ["submitting", "canceled"],
    // submitting → failed: a business error from withdraw; the outcome of an ambiguous failure stays here
    submitting: ["submitted", "failed"],
    submitted: ["completed", "failed", "canceled"],
    completed: [],
    rejected: [],
    canceled: [],
    failed: [],
  },
  ["completed", "rejected", "canceled", "failed"],
)

/** statuses whose amount no longer counts against what a payment or deposit can still refund */
export const WITHDRAWAL_STATUSES_RELEASED: readonly WithdrawalStatus[] = ["rejected", "canceled", "failed"]

/** the WaaS may still move these: the poller re-reads them with withdrawList */
export const WITHDRAWAL_STATUSES_AT_WAAS: readonly WithdrawalStatus[] = ["submitting", "submitted"]

/** what a withdrawal refunds */
export const WITHDRAWAL_SOURCES = ["payment", "excess", "deposit"] as const
export type WithdrawalSource = (typeof WITHDRAWAL_SOURCES)[number]

/** how a fiat refund was turned into crypto: the payment's quoted rate, the rate source now, or not at all */
export const RATE_BASES = ["locked", "current", "crypto"] as const
export type RateBasis = (typeof RATE_BASES)[number]

/**
 * Where a refund stands, as the admin's Refunds tab groups them: every status in exactly one group.
 * waiting: for approvals; in_flight: approved and on its way; failed; completed; closed: rejected or canceled.
 */
export const WITHDRAWAL_GROUPS = {
  waiting: ["requested"],
  in_flight: ["approved", "submitting", "submitted"],
  failed: ["failed"],
  completed: ["completed"],
  closed: ["rejected", "canceled"],
} as const satisfies Record<string, readonly WithdrawalStatus[]>
export type WithdrawalGroup = keyof typeof WITHDRAWAL_GROUPS
export const WITHDRAWAL_GROUP_NAMES = Object.keys(WITHDRAWAL_GROUPS) as [WithdrawalGroup, ...WithdrawalGroup[]]

/** who bears the WaaS's withdrawal service fee (protocol §2.8: `amount` includes it) */
export const FEE_BEARERS = ["merchant", "shopper"] as const
export type FeeBearer = (typeof FEE_BEARERS)[number]

/** where a status change or an action came from, for the audit trail */
export const AUDIT_SOURCES = ["admin", "shopper", "workflow", "callback", "poll", "confirmation", "system"] as const
export type AuditSource = (typeof AUDIT_SOURCES)[number]
