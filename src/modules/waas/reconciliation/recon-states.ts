import { StateMachine } from "../state-machine"

/**
 * The reconciliation's two lifecycles, each written once as a transition table.
 *
 * A run (waas_recon_run): running → balanced | breaks | failed. A finished run is never edited (the SQL updates
 * only rows still `running`, and a trigger refuses any other update); a rerun is a new run, attempt + 1, and the
 * latest attempt stands for its day. `failed` is finished too (never edited), but a failed day is run again.
 *
 * A break (waas_recon_break): open → acknowledged → resolved, open → resolved, open → healed (by the
 * reconciliation itself: a lost deposit credited through the deposit workflow, a capture re-driven).
 */
export const RUN_STATUSES = ["running", "balanced", "breaks", "failed"] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

export const RunMachine = new StateMachine<RunStatus>(
  "reconciliation run",
  { running: ["balanced", "breaks", "failed"], balanced: [], breaks: [], failed: [] },
  ["balanced", "breaks", "failed"],
)

export const BREAK_STATUSES = ["open", "acknowledged", "healed", "resolved"] as const
export type BreakStatus = (typeof BREAK_STATUSES)[number]

export const BreakMachine = new StateMachine<BreakStatus>(
  "reconciliation break",
  { open: ["acknowledged", "healed", "resolved"], acknowledged: ["resolved"], healed: [], resolved: [] },
  ["healed", "resolved"],
)

/** WaaS ↔ ledger */
export const LEDGER_BREAK_TYPES = [
  "missing_in_ledger",
  "missing_at_waas",
  "amount_mismatch",
  "status_mismatch",
  "symbol_mismatch",
  "address_mismatch",
  "fee_mismatch",
  "duplicate",
] as const
/** ledger ↔ Medusa (amount_mismatch there is in fiat) */
export const MEDUSA_BREAK_TYPES = [
  "credited_not_captured",
  "captured_without_credit",
  "withdrawal_without_refund",
  "refund_without_withdrawal",
  "amount_mismatch",
] as const
export const BREAK_TYPES = [...LEDGER_BREAK_TYPES, ...MEDUSA_BREAK_TYPES.filter((t) => t !== "amount_mismatch")] as const
export type BreakType = (typeof BREAK_TYPES)[number]

/** what a break is about: a WaaS record (deposit, withdrawal) or a crypto payment against Medusa */
export const BREAK_KINDS = ["deposit", "withdrawal", "payment"] as const
export type BreakKind = (typeof BREAK_KINDS)[number]

export const MIRROR_KINDS = ["deposit", "withdrawal", "miner_fee"] as const
export type MirrorKind = (typeof MIRROR_KINDS)[number]

export const RUN_TRIGGERS = ["job", "admin"] as const
export type RunTrigger = (typeof RUN_TRIGGERS)[number]
