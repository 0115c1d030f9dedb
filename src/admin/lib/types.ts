/**
 * What the plugin's admin API answers, as the screens read it. Amounts are exact decimal strings and are shown
 * as given (never through parseFloat); times are ISO strings shown in the admin's locale.
 */
export type Iso = string

export interface CryptoPayment {
  id: string
  payment_session_id: string
  order_id: string | null
  status: string
  symbol: string
  network: string
  address: string
  amount_due: string
  amount_received: string
  amount_pending: string
  amount_excess: string
  amount_remaining: string
  rate: string
  currency_code: string
  expires_at: Iso
  monitor_until: Iso
  medusa_captured_at: Iso | null
  created_at: Iso
  explorer_address_url: string | null
  explorer_tx_template: string | null
}

export interface Deposit {
  id: string
  waas_deposit_id: string
  status: string
  symbol: string
  amount: string
  address_to: string
  txid: string
  confirmations: number
  waas_status: number
  waas_created_at: Iso
  crypto_payment_id: string | null
  timing: string | null
  orphan_reason: string | null
  review_reason: string | null
  resolution: string | null
  resolved_by: string | null
  resolved_at: Iso | null
  resolution_note: string | null
  explorer_tx_url?: string | null
}

export interface Credit {
  id: string
  waas_deposit_id: string
  deposit_id: string
  entry: string
  amount: string
  symbol: string
  late: boolean
  created_at: Iso
}

export interface PaymentView {
  crypto_payment: CryptoPayment
  deposits: Deposit[]
  credits: Credit[]
}

export interface PaymentRow {
  id: string
  order_id: string | null
  display_id: number | null
  status: string
  symbol: string
  network: string
  address: string
  amount_due: string
  amount_received: string
  amount_pending: string
  amount_excess: string
  amount_remaining: string
  fiat_amount: string | null
  currency_code: string
  expires_at: Iso
  created_at: Iso
}

/** the Refunds tab's groups (the module's WITHDRAWAL_GROUPS) */
export type WithdrawalGroupId = "waiting" | "in_flight" | "failed" | "completed" | "closed"

export interface Withdrawal {
  id: string
  request_id: string
  source: "payment" | "excess" | "deposit"
  crypto_payment_id: string | null
  deposit_id: string | null
  order_id: string | null
  symbol: string
  network: string
  to_address: string | null
  memo: string | null
  address_given_by: string | null
  refund_amount: string
  amount: string
  receive_amount: string | null
  fee_bearer: string
  expected_service_fee: string | null
  fiat_amount: string | null
  currency_code: string | null
  rate: string | null
  rate_basis: string
  reason: string
  requested_by: string | null
  approvals_required: number
  approved_by: { ids: string[] }
  rejected_by: string | null
  rejection_reason: string | null
  status: string
  txid: string | null
  withdraw_fee: string | null
  withdraw_fee_symbol: string | null
  real_fee: string | null
  fee_symbol: string | null
  failure_code: string | null
  failure_reason: string | null
  submitted_at: Iso | null
  completed_at: Iso | null
  medusa_refunded_at: Iso | null
  created_at: Iso
  has_address_link: boolean
}

export interface PoolCoin {
  symbol: string
  enabled: boolean
  low_watermark: number
  available: number
  assigned: number
  cooling: number
  retired: number
  below_watermark: boolean
  last_refill: { before: number; after: number; added: number; registered: number; recovered: number; errors: string[] } | null
}

export interface RefillRun {
  id: string
  trigger: "job" | "admin"
  actor: string | null
  skipped: string | null
  failed: boolean
  created_at: Iso
}

export interface PoolView {
  coins: PoolCoin[]
  users: { count: number; cap: number; used_ratio: number }
  last_refill: RefillRun | null
  last_completed_refill: RefillRun | null
}

export interface HealthView {
  waas: { ok: boolean; endpoint: string; latency_ms: number; coins: number | null; error: string | null; checked_at: Iso }
  callbacks: {
    last_received_at: Iso | null
    by_side: Array<{ side: string; last_received_at: Iso | null; unprocessed: number; failing: number; oldest_unprocessed_at: Iso | null }>
    unprocessed: number
    refused_24h: Array<{ route: string; reason: string; count: number; last_at: Iso }>
    refused_24h_total: number
  }
  pollers: Array<{ name: string; job: string; max_id: string; last_run_at: Iso | null; lag_seconds: number | null; interval_seconds: number; overdue: boolean }>
  options: Record<string, unknown>
}

export interface AdminUser {
  id: string
  email: string
}
