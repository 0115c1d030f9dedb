/**
 * The two sides of a day as SQL (CTEs), shared by the compare, the totals and the export. Bind :s and :e (the
 * window, [s, e) in UTC). A record belongs to the day of the WaaS's creation time: the mirror's when the WaaS has
 * reported it, else the ledger's own time (deposits: the WaaS's time as the ledger pulled it; withdrawals: when
 * we submitted them). The two halves of each ledger set are disjoint, so no dedup is needed over a million rows.
 */
export const MIRROR_DEPOSITS = `m AS (
  SELECT waas_id, symbol, amount, status, address_to, txid, uid, waas_created_at
    FROM waas_mirror_record
   WHERE kind = 'deposit' AND deleted_at IS NULL AND waas_created_at >= :s AND waas_created_at < :e)`

/**
 * The day's ledger deposit rows before the mirror has its say (ld): ours created in the window, and ours created
 * in another window whose mirror row is in this one. A row of the first half whose mirror row lies in another day
 * belongs to that day: `ownDeposit` keeps it out. The sets are joined with the day's mirror rows (m) anyway, so the
 * mirror is probed by index only for our rows the day's mirror lacks, never scanned beyond the day.
 */
const DEPOSIT_COLUMNS = `d.id, d.waas_deposit_id, d.symbol, d.amount, d.address_to, d.status, d.waas_status, d.crypto_payment_id, d.waas_created_at`
export const LEDGER_DEPOSIT_ROWS = `ld AS (
  SELECT ${DEPOSIT_COLUMNS}
    FROM waas_deposit d
   WHERE d.deleted_at IS NULL AND d.waas_created_at >= :s AND d.waas_created_at < :e
  UNION ALL
  SELECT ${DEPOSIT_COLUMNS}
    FROM m JOIN waas_deposit d ON d.waas_deposit_id = m.waas_id AND d.deleted_at IS NULL
   WHERE NOT (d.waas_created_at >= :s AND d.waas_created_at < :e))`

/**
 * Of a row of ld and the day's mirror row it was joined with (`mirror` null when m has none): it is the day's.
 * OFFSET 0 keeps the probe a per-row index lookup: without it the planner may turn the NOT EXISTS into a hashed
 * subplan, which reads every mirror record of the kind (all days) as soon as one of our rows lacks its mirror row.
 */
const ownDay = (kind: "deposit" | "withdrawal", mirror: string, waasId: string) =>
  `(${mirror}.waas_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM waas_mirror_record mo
      WHERE mo.kind = '${kind}' AND mo.waas_id = ${waasId} AND mo.deleted_at IS NULL OFFSET 0))`
export const ownDeposit = (ledger: string, mirror: string) => ownDay("deposit", mirror, `${ledger}.waas_deposit_id`)

/** the day's ledger deposits (l), for the sets that need no mirror values; needs MIRROR_DEPOSITS (m) before it */
export const LEDGER_DEPOSITS = `${LEDGER_DEPOSIT_ROWS},
  l AS (SELECT ld.* FROM ld LEFT JOIN m ON m.waas_id = ld.waas_deposit_id WHERE ${ownDeposit("ld", "m")})`

export const MIRROR_WITHDRAWALS = `mw AS (
  SELECT waas_id, request_id, symbol, amount, status, withdraw_type, address_to, txid, withdraw_fee, withdraw_fee_symbol,
         real_fee, fee_symbol, waas_created_at
    FROM waas_mirror_record
   WHERE kind = 'withdrawal' AND deleted_at IS NULL AND waas_created_at >= :s AND waas_created_at < :e)`

/**
 * The day's ledger withdrawals (lw), as the deposits' (ownWithdrawal keeps a row whose mirror row lies in another
 * day out): only withdrawals the WaaS acknowledged (a WaaS id); a request refused before it existed there is not the WaaS's.
 */
const WITHDRAWAL_COLUMNS = `w.id, w.waas_withdrawal_id, w.request_id, w.symbol, w.amount, w.to_address, w.memo, w.status, w.source,
         w.crypto_payment_id, w.order_id, w.withdraw_fee, w.real_fee, w.medusa_refund_id, w.fiat_amount, w.currency_code`
export const LEDGER_WITHDRAWAL_ROWS = `lwd AS (
  SELECT ${WITHDRAWAL_COLUMNS}
    FROM waas_withdrawal w
   WHERE w.waas_withdrawal_id IS NOT NULL AND COALESCE(w.submitted_at, w.created_at) >= :s AND COALESCE(w.submitted_at, w.created_at) < :e
  UNION ALL
  SELECT ${WITHDRAWAL_COLUMNS}
    FROM mw JOIN waas_withdrawal w ON w.waas_withdrawal_id = mw.waas_id
   WHERE NOT (COALESCE(w.submitted_at, w.created_at) >= :s AND COALESCE(w.submitted_at, w.created_at) < :e))`

export const ownWithdrawal = (ledger: string, mirror: string) => ownDay("withdrawal", mirror, `${ledger}.waas_withdrawal_id`)

/** needs MIRROR_WITHDRAWALS (mw) before it */
export const LEDGER_WITHDRAWALS = `${LEDGER_WITHDRAWAL_ROWS},
  lw AS (SELECT lwd.* FROM lwd LEFT JOIN mw ON mw.waas_id = lwd.waas_withdrawal_id WHERE ${ownWithdrawal("lwd", "mw")})`

export const MIRROR_MINER_FEES = `mf AS (
  SELECT waas_id, symbol, amount, fee, fee_symbol, status, address_from, uid, txid, waas_created_at
    FROM waas_mirror_record
   WHERE kind = 'miner_fee' AND deleted_at IS NULL AND waas_created_at >= :s AND waas_created_at < :e)`

/** protocol §2.17, as one of success / pending / failed / unknown */
export const waasDepositClass = (status: string) =>
  `(CASE WHEN ${status} = 1 THEN 'success' WHEN ${status} = 2 THEN 'failed' WHEN ${status} IN (0, 4, 5, 6) THEN 'pending' ELSE 'unknown' END)`

/** what the ledger's deposit status says of the WaaS's (deposits/deposit-states.ts); a parked one by its WaaS status */
export const ledgerDepositClass = (status: string, waasStatus: string) =>
  `(CASE WHEN ${status} IN ('credited', 'held', 'orphaned', 'refund_pending') THEN 'success'
         WHEN ${status} IN ('pending', 'compliance_review') THEN 'pending'
         WHEN ${status} IN ('failed', 'reversed') THEN 'failed'
         ELSE ${waasDepositClass(waasStatus)} END)`

export const waasWithdrawalClass = (status: string, type: string) =>
  `(CASE WHEN ${type} = 2 THEN (CASE WHEN ${status} = 0 THEN 'success' WHEN ${status} = 1 THEN 'failed' ELSE 'unknown' END)
         WHEN ${status} = 5 THEN 'success' WHEN ${status} IN (2, 4, 6) THEN 'failed'
         WHEN ${status} IN (0, 1, 3, 7, 8) THEN 'pending' ELSE 'unknown' END)`

export const ledgerWithdrawalClass = (status: string) =>
  `(CASE WHEN ${status} = 'completed' THEN 'success' WHEN ${status} IN ('failed', 'canceled', 'rejected') THEN 'failed' ELSE 'pending' END)`

/** a stored decimal string as numeric, null when it is not one (a parked record keeps the WaaS's text as received) */
export const num = (col: string) => `(CASE WHEN ${col} ~ '^[0-9]+(\\.[0-9]+){0,1}$' THEN ${col}::numeric END)`

/** two decimal strings differ as numbers ("1.50" equals "1.5"); text that is not a decimal differs from everything */
export const amountsDiffer = (a: string, b: string) =>
  `(CASE WHEN ${a} = ${b} THEN false WHEN ${num(a)} IS NULL OR ${num(b)} IS NULL THEN true ELSE ${a}::numeric <> ${b}::numeric END)`
