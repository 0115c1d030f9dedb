import { StateMachine } from "../state-machine"

/**
 * What the plugin makes of one WaaS deposit (a row of waas_deposit), written once as a transition table.
 *
 * pending            WaaS status 0: seen on chain, not final yet
 * compliance_review  WaaS status 4/5/6: the WaaS's KYT check holds it; shown as pending, never credited
 * credited           WaaS status 1 and applied to a crypto payment's ledger (exactly once, see ledger-sql)
 * held               WaaS status 1, arrived after the quote expired (inside the monitoring window) and the
 *                    late-payment policy is "hold": waits for an admin to attach or refund it
 * orphaned           WaaS status 1 but no payment may take it (unknown address, wrong coin, after the
 *                    monitoring window, canceled payment, impossible amount): waits for an admin
 * needs_review       the WaaS's record could not be applied (an undocumented status, a malformed field, a rule
 *                    that throws): parked with its reason so nothing behind it waits; re-read by every poll
 * failed             WaaS status 2
 * reversed           was credited, then the WaaS reported it otherwise (status 1, then 2): a reversing ledger
 *                    entry took the amount back out of the payment; waits for an admin to acknowledge it
 * refund_pending     an admin decided to send a held or orphaned deposit back (the withdrawal flow pays it)
 *
 * A held, orphaned or parked deposit follows the WaaS when its status there is no longer success (the money has
 * not arrived after all: there is nothing to decide). failed, reversed and refund_pending are final; credited
 * has one way out, the reversal, and the credit row itself is never touched (the ledger is append-only).
 */
export const DEPOSIT_STATUSES = [
  "pending",
  "compliance_review",
  "credited",
  "held",
  "orphaned",
  "needs_review",
  "failed",
  "reversed",
  "refund_pending",
] as const
export type DepositLedgerStatus = (typeof DEPOSIT_STATUSES)[number]

export const DepositMachine = new StateMachine<DepositLedgerStatus>(
  "deposit",
  {
    pending: ["compliance_review", "credited", "held", "orphaned", "failed", "needs_review"],
    compliance_review: ["pending", "credited", "held", "orphaned", "failed", "needs_review"],
    held: ["credited", "refund_pending", "pending", "compliance_review", "failed", "needs_review"],
    orphaned: ["credited", "refund_pending", "pending", "compliance_review", "failed", "needs_review"],
    needs_review: ["pending", "compliance_review", "credited", "held", "orphaned", "failed", "refund_pending"],
    credited: ["reversed"],
    failed: [],
    reversed: [],
    refund_pending: [],
  },
  ["failed", "reversed", "refund_pending"],
)

/** what an admin decides on (attach or mark for refund), always after re-reading the deposit from the WaaS */
export const DEPOSIT_STATUSES_AWAITING_DECISION: readonly DepositLedgerStatus[] = ["held", "orphaned", "needs_review"]

/** deposits the WaaS has not finished (status 0, 4, 5, 6) */
export const DEPOSIT_STATUSES_AT_WAAS_NON_FINAL: readonly DepositLedgerStatus[] = ["pending", "compliance_review"]

/**
 * what the poller re-reads with depositList (a sync page returns a record once): the unfinished ones, and the
 * ones waiting for an admin, so no decision is taken on facts the WaaS has since changed and a parked record
 * is applied as soon as it reads normally again
 */
export const DEPOSIT_STATUSES_REREAD: readonly DepositLedgerStatus[] = [...DEPOSIT_STATUSES_AT_WAAS_NON_FINAL, ...DEPOSIT_STATUSES_AWAITING_DECISION]

/** why a confirmed deposit could not be credited to the payment it was sent for */
export const ORPHAN_REASONS = [
  "unknown_address",
  "wrong_coin",
  "after_monitoring_window",
  "payment_canceled",
  "invalid_amount",
] as const
export type OrphanReason = (typeof ORPHAN_REASONS)[number]

/** when a deposit arrived relative to its payment's quote: created_at against expires_at and monitor_until */
export const DEPOSIT_TIMINGS = ["on_time", "late", "after_window"] as const
export type DepositTiming = (typeof DEPOSIT_TIMINGS)[number]

