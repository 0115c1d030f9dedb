import type { WithdrawalStatus } from "./withdrawal-states"

/** Events a store can subscribe to (to email the shopper, alert an operator). Payloads carry ids only. */
export const WithdrawalEvents = {
  REQUESTED: "waas.withdrawal.requested",
  APPROVED: "waas.withdrawal.approved",
  REJECTED: "waas.withdrawal.rejected",
  CANCELED: "waas.withdrawal.canceled",
  SUBMITTED: "waas.withdrawal.submitted",
  COMPLETED: "waas.withdrawal.completed",
  FAILED: "waas.withdrawal.failed",
  /** a second-confirmation request was denied: alert someone (a leaked merchant key shows up here) */
  CONFIRMATION_DENIED: "waas.withdrawal.confirmation_denied",
  /** a refund waits for the shopper's address; the payload carries the one-time link's token */
  ADDRESS_REQUESTED: "waas.refund.address_requested",
} as const

const ON_ENTERING: Partial<Record<WithdrawalStatus, string>> = {
  requested: WithdrawalEvents.REQUESTED,
  approved: WithdrawalEvents.APPROVED,
  rejected: WithdrawalEvents.REJECTED,
  canceled: WithdrawalEvents.CANCELED,
  submitted: WithdrawalEvents.SUBMITTED,
  completed: WithdrawalEvents.COMPLETED,
  failed: WithdrawalEvents.FAILED,
}

/** the events of a change from `before` (null: a new request) to `after`, passing through `submitted` */
export function transitionEvents(before: WithdrawalStatus | null, after: WithdrawalStatus): string[] {
  if (before === after) return []
  const events: string[] = []
  if (before === null && after !== "requested") events.push(WithdrawalEvents.REQUESTED)
  // a withdrawal reported final in the withdraw answer itself (an internal transfer) was submitted too
  if (before === "submitting" && (after === "completed" || after === "canceled")) events.push(WithdrawalEvents.SUBMITTED)
  const entering = ON_ENTERING[after]
  if (entering) events.push(entering)
  return events
}
