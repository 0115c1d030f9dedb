/**
 * The alert conditions, each named once with the words an operator reads. An observation is a condition
 * that holds now, for one subject, with the figures that show it; the alert's key is `condition:subject`.
 * Which source judges which conditions (the evaluation job, the refill, the reconciliation event) is the
 * `scope` passed with its observations: open alerts in that scope that were not observed again resolve.
 */
export const ALERT_CONDITIONS = [
  "pool_low",
  "pool_empty",
  "user_cap",
  "callbacks_refused",
  "callbacks_unprocessed",
  "deposit_poller_behind",
  "withdrawal_poller_behind",
  "withdrawal_stuck",
  "second_confirmation_denied",
  "reconciliation_breaks",
  "reconciliation_failed",
] as const
export type AlertCondition = (typeof ALERT_CONDITIONS)[number]

export type AlertFigures = Record<string, string | number | boolean | null>

export interface AlertObservation {
  condition: AlertCondition
  /** what it is about (a coin, a reason, a withdrawal, a business day); null for store-wide conditions */
  subject: string | null
  figures: AlertFigures
  message: string
}

/** A source's verdict: the conditions (and, optionally, only these subjects) it judged, and what holds. */
export interface AlertVerdict {
  scope: Array<{ condition: AlertCondition; subject?: string }>
  holding: AlertObservation[]
}

export const alertKey = (o: { condition: AlertCondition; subject: string | null }): string => (o.subject ? `${o.condition}:${o.subject}` : o.condition)

/** the conditions the evaluation job judges from the database */
export const EVALUATED_CONDITIONS: readonly AlertCondition[] = [
  "pool_empty",
  "user_cap",
  "callbacks_refused",
  "callbacks_unprocessed",
  "deposit_poller_behind",
  "withdrawal_poller_behind",
  "withdrawal_stuck",
  "second_confirmation_denied",
]

export function poolLow(symbol: string, available: number, watermark: number): AlertObservation {
  return {
    condition: "pool_low",
    subject: symbol,
    figures: { symbol, available, watermark },
    message: `the ${symbol} address pool is below its watermark after a refill: ${available} available, watermark ${watermark}`,
  }
}

export function poolEmpty(symbol: string, available: number, emptyCheckouts: number, windowMinutes: number): AlertObservation {
  return {
    condition: "pool_empty",
    subject: symbol,
    figures: { symbol, available, checkouts_without_pooled_address: emptyCheckouts, window_minutes: windowMinutes },
    message: `the ${symbol} address pool was empty at ${emptyCheckouts} checkout(s) in the last ${windowMinutes} min and has ${available} address(es) now`,
  }
}

export function userCap(users: number, cap: number, ratio: number): AlertObservation {
  const percent = Math.floor((users / cap) * 1000) / 10
  return {
    condition: "user_cap",
    subject: null,
    figures: { users, cap, percent, threshold_percent: Math.round(ratio * 1000) / 10 },
    message: `${users} of the WaaS user cap of ${cap} are used (${percent} %); ask ChainUp to raise it and set the userCap option`,
  }
}

export function callbacksRefused(reason: string, count: number, max: number, windowMinutes: number): AlertObservation {
  return {
    condition: "callbacks_refused",
    subject: reason,
    figures: { reason, refused: count, max, window_minutes: windowMinutes },
    message: `${count} WaaS callbacks refused as ${reason} in the last ${windowMinutes} min (more than ${max})`,
  }
}

export function callbacksUnprocessed(count: number, oldest: Date, minutes: number): AlertObservation {
  return {
    condition: "callbacks_unprocessed",
    subject: null,
    figures: { unprocessed: count, oldest_received_at: oldest.toISOString(), minutes },
    message: `${count} recorded WaaS callback(s) unprocessed for more than ${minutes} min (oldest received ${oldest.toISOString()}); see /admin/waas/inbox`,
  }
}

export function pollerBehind(poller: "deposit" | "withdrawal", lastRun: Date | null, minutes: number): AlertObservation {
  return {
    condition: poller === "deposit" ? "deposit_poller_behind" : "withdrawal_poller_behind",
    subject: null,
    figures: { last_run_at: lastRun?.toISOString() ?? null, minutes },
    message: lastRun
      ? `the ${poller} poller has not completed a run for more than ${minutes} min (last ${lastRun.toISOString()}); is a worker instance running?`
      : `the ${poller} poller has never run although there is work for it; is a worker instance running?`,
  }
}

export function withdrawalStuck(id: string, status: string, since: Date, hours: number): AlertObservation {
  return {
    condition: "withdrawal_stuck",
    subject: id,
    figures: { withdrawal_id: id, status, created_at: since.toISOString(), hours },
    message: `refund withdrawal ${id} is still ${status} more than ${hours} h after it was requested`,
  }
}

export function secondConfirmationDenied(id: string, requestId: string, deniedAt: Date, reason: string | null): AlertObservation {
  return {
    condition: "second_confirmation_denied",
    subject: id,
    figures: { withdrawal_id: id, request_id: requestId, denied_at: deniedAt.toISOString(), reason },
    message: `the WaaS asked to confirm withdrawal ${requestId} and the store denied it${reason ? ` (${reason})` : ""}: a withdrawal the store did not approve was attempted`,
  }
}

export type ReconciliationStatus = "balanced" | "breaks" | "failed"

/** a reconciliation run's verdict for its day: breaks or failed hold; balanced clears both */
export function reconciliationVerdict(day: string, status: ReconciliationStatus, breaks: Record<string, number>): AlertVerdict {
  const scope = [
    { condition: "reconciliation_breaks" as const, subject: day },
    { condition: "reconciliation_failed" as const, subject: day },
  ]
  if (status === "balanced") return { scope, holding: [] }
  const total = Object.values(breaks).reduce((a, n) => a + n, 0)
  const figures: AlertFigures = { day, status, breaks: total, ...Object.fromEntries(Object.entries(breaks).map(([k, n]) => [`breaks_${k}`, n])) }
  return {
    scope,
    holding: [
      status === "breaks"
        ? { condition: "reconciliation_breaks", subject: day, figures, message: `reconciliation of ${day} found ${total} break(s)` }
        : { condition: "reconciliation_failed", subject: day, figures, message: `reconciliation of ${day} failed to run` },
    ],
  }
}
