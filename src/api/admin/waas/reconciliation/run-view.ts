import type { BreakRow } from "../../../../modules/waas/reconciliation/breaks-sql"
import type { RunRow } from "../../../../modules/waas/reconciliation/runs-sql"

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())
const EMPTY_COUNTS = { total: 0, open: 0, acknowledged: 0, healed: 0, resolved: 0, by_type: {} }

/** RunSummary of the README: what the admin's list of days shows */
export function runSummary(r: RunRow) {
  return {
    id: r.id,
    day: r.day,
    attempt: r.attempt,
    status: r.status,
    trigger: r.trigger,
    requested_by: r.requested_by,
    time_zone: r.time_zone,
    window_start: iso(r.window_start),
    window_end: iso(r.window_end),
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
    failure_reason: r.failure_reason,
    break_counts: r.break_counts ?? EMPTY_COUNTS,
    progress: r.progress,
  }
}

export function runDetail(r: RunRow) {
  return {
    ...runSummary(r),
    totals: r.totals ?? [],
    fees: r.fees ?? { collection_miner_fees: {}, withdrawal_service_fees: {}, withdrawal_miner_fees: {}, commission: {} },
    unreadable_records: r.unreadable_records,
  }
}

export function breakView(b: BreakRow) {
  return {
    id: b.id,
    run_id: b.run_id,
    day: b.day,
    type: b.type,
    kind: b.kind,
    symbol: b.symbol,
    waas_id: b.waas_id,
    ledger_id: b.ledger_id,
    order_id: b.order_id,
    waas_value: b.waas_value,
    ledger_value: b.ledger_value,
    medusa_value: b.medusa_value,
    status: b.status,
    healed_action: b.healed_action,
    note: b.note,
    actor: b.actor,
    acted_at: iso(b.acted_at),
    carried_from: b.carried_from,
    created_at: iso(b.created_at),
  }
}
