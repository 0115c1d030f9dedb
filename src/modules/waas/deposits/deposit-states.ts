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
 * failed             WaaS status 2
 * refund_pending     an admin decided to send a held or orphaned deposit back (the withdrawal flow pays it)
 *
 * credited, failed and refund_pending are final: nothing ever un-credits a deposit (the money arrived).
 */
export const DEPOSIT_STATUSES = [
  "pending",
  "compliance_review",
  "credited",
  "held",
  "orphaned",
  "failed",
  "refund_pending",
] as const
export type DepositLedgerStatus = (typeof DEPOSIT_STATUSES)[number]

export const DepositMachine = new StateMachine<DepositLedgerStatus>(
  "deposit",
  {
    pending: ["compliance_review", "credited", "held", "orphaned", "failed"],
    compliance_review: ["pending", "credited", "held", "orphaned", "failed"],
    held: ["credited", "refund_pending"],
    orphaned: ["credited", "refund_pending"],
    credited: [],
    failed: [],
    refund_pending: [],
  },
  ["credited", "failed", "refund_pending"],
)

/** the statuses an admin works through: the orphan queue */
export const DEPOSIT_STATUSES_NEEDING_REVIEW: readonly DepositLedgerStatus[] = ["held", "orphaned"]

/** deposits the WaaS has not finished with: the poller re-reads them with depositList */
export const DEPOSIT_STATUSES_AT_WAAS_NON_FINAL: readonly DepositLedgerStatus[] = ["pending", "compliance_review"]

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

