/** The reconciliation admin API's answers (src/modules/waas/reconciliation/README.md), as the screens read them. */
export interface ReconProgress {
  phase: "fetching" | "refreshing" | "comparing" | "healing" | "done"
  pages_fetched: number
  records_fetched: number
  records_refreshed: number
  records_to_compare: number
  records_compared: number
  percent: number
}

export interface RunSummary {
  id: string
  day: string
  attempt: number
  status: "balanced" | "breaks" | "failed" | "running"
  trigger: "job" | "admin"
  requested_by: string | null
  time_zone: string
  window_start: string
  window_end: string
  started_at: string
  finished_at: string | null
  failure_reason: string | null
  break_counts: { total: number; open: number; acknowledged: number; healed: number; resolved: number; by_type: Record<string, number> }
  progress: ReconProgress
}

export interface RunsList {
  time_zone: string
  days: Array<{ day: string; run: RunSummary | null }>
  totals: { runs: number; balanced: number; breaks: number; failed: number; running: number; open_breaks: number }
}

/** `GET …/reconciliation/trend`: every day of the range, oldest first */
export interface TrendCoin {
  symbol: string
  volume_in: string
  volume_out: string
  deposits: number
  withdrawals: number
}

export interface ReconTrend {
  time_zone: string
  from: string
  to: string
  days: Array<{ day: string; run: { id: string; attempt: number; status: RunSummary["status"] } | null; coins: TrendCoin[]; open_breaks: number }>
}

export interface SideTotals {
  kind: "deposit" | "withdrawal" | "miner_fee"
  symbol: string
  waas: { count: number; sum: string; other_count: number }
  ledger: { count: number; sum: string; other_count: number }
  medusa: { count: number; sums: Record<string, string> }
}

export interface RunDetail extends RunSummary {
  totals: SideTotals[]
  fees: Record<"collection_miner_fees" | "withdrawal_service_fees" | "withdrawal_miner_fees" | "commission", Record<string, string>>
  unreadable_records: number
}

export interface ReconBreak {
  id: string
  run_id: string
  day: string
  type: string
  kind: "deposit" | "withdrawal" | "payment"
  symbol: string
  waas_id: string | null
  ledger_id: string | null
  order_id: string | null
  waas_value: Record<string, unknown> | null
  ledger_value: Record<string, unknown> | null
  medusa_value: Record<string, unknown> | null
  status: "open" | "acknowledged" | "healed" | "resolved"
  healed_action: string | null
  note: string | null
  actor: string | null
  acted_at: string | null
  created_at: string
}

export const BREAK_TYPES = [
  "missing_in_ledger",
  "missing_at_waas",
  "amount_mismatch",
  "status_mismatch",
  "symbol_mismatch",
  "address_mismatch",
  "fee_mismatch",
  "duplicate",
  "credited_not_captured",
  "captured_without_credit",
  "withdrawal_without_refund",
  "refund_without_withdrawal",
] as const
