import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import {
  amountsDiffer,
  LEDGER_DEPOSITS,
  LEDGER_WITHDRAWALS,
  ledgerDepositClass,
  ledgerWithdrawalClass,
  MIRROR_DEPOSITS,
  MIRROR_WITHDRAWALS,
  waasDepositClass,
  waasWithdrawalClass,
} from "./day-sets-sql"

/**
 * WaaS ↔ ledger, set-based: one INSERT … SELECT per record kind joins the day's mirror rows with the day's ledger
 * rows on the WaaS id (a FULL JOIN: each side's unmatched rows are breaks too) and writes every break with both
 * sides' values. The flags are computed once per pair and the (few) pairs with any flag set are expanded into
 * breaks, so a balanced million costs one join and no JSON. Nothing is read into memory.
 * Binds: :run, :day, :s, :e. Returns how many breaks were written.
 */
const BREAK_ID = `'wrbrk_' || replace(gen_random_uuid()::text, '-', '')`

const INSERT = `INSERT INTO waas_recon_break (id, run_id, day, type, kind, match_key, symbol, waas_id, ledger_id, order_id,
  waas_value, ledger_value, status, created_at, updated_at)`

export async function compareDeposits(db: Knex, b: { run: string; day: string; s: Date; e: Date }): Promise<number> {
  const r = await db.raw<{ rowCount: number }>(
    `WITH ${MIRROR_DEPOSITS}, ${LEDGER_DEPOSITS},
     dup AS (
       SELECT waas_id, first_value(waas_id) OVER w AS first_id, row_number() OVER w AS n
         FROM m WHERE txid <> ''
       WINDOW w AS (PARTITION BY symbol, address_to, txid ORDER BY waas_id::numeric)),
     pairs AS (
       SELECT m.waas_id AS m_id, m.symbol AS m_symbol, m.amount AS m_amount, m.status AS m_status, m.address_to AS m_address,
              m.txid AS m_txid, m.waas_created_at AS m_created,
              l.id AS l_id, l.waas_deposit_id AS l_waas_id, l.symbol AS l_symbol, l.amount AS l_amount, l.status AS l_status,
              l.waas_status AS l_waas_status, l.address_to AS l_address, l.crypto_payment_id, l.waas_created_at AS l_created,
              dup.first_id AS dup_of,
              (l.id IS NULL) AS f_missing_l, (m.waas_id IS NULL) AS f_missing_m,
              (m.waas_id IS NOT NULL AND l.id IS NOT NULL AND ${amountsDiffer("m.amount", "l.amount")}) AS f_amount,
              (m.waas_id IS NOT NULL AND l.id IS NOT NULL AND ${waasDepositClass("m.status")} <> ${ledgerDepositClass("l.status", "l.waas_status")}) AS f_status,
              (m.waas_id IS NOT NULL AND l.id IS NOT NULL AND m.symbol <> l.symbol) AS f_symbol,
              (m.waas_id IS NOT NULL AND l.id IS NOT NULL AND m.address_to <> l.address_to) AS f_address,
              (dup.n > 1) AS f_dup
         FROM m FULL JOIN l ON l.waas_deposit_id = m.waas_id
         LEFT JOIN dup ON dup.waas_id = m.waas_id AND dup.n > 1),
     bad AS (SELECT * FROM pairs WHERE f_missing_l OR f_missing_m OR f_amount OR f_status OR f_symbol OR f_address OR f_dup)
     ${INSERT}
     SELECT ${BREAK_ID}, :run::text, :day::text, t.type, 'deposit', COALESCE(bad.m_id, bad.l_waas_id), COALESCE(bad.m_symbol, bad.l_symbol),
            COALESCE(bad.m_id, bad.l_waas_id), bad.l_id, cp.order_id,
            CASE WHEN bad.m_id IS NULL THEN NULL ELSE jsonb_build_object('amount', bad.m_amount, 'status', bad.m_status,
              'symbol', bad.m_symbol, 'address_to', bad.m_address, 'txid', bad.m_txid, 'created_at', bad.m_created,
              'duplicate_of', bad.dup_of) END,
            CASE WHEN bad.l_id IS NULL THEN NULL ELSE jsonb_build_object('amount', bad.l_amount, 'status', bad.l_status,
              'waas_status', bad.l_waas_status, 'symbol', bad.l_symbol, 'address_to', bad.l_address,
              'crypto_payment_id', bad.crypto_payment_id, 'created_at', bad.l_created) END,
            'open', now(), now()
       FROM bad
       LEFT JOIN waas_crypto_payment cp ON cp.id = bad.crypto_payment_id
       CROSS JOIN LATERAL (VALUES ('missing_in_ledger', bad.f_missing_l), ('missing_at_waas', bad.f_missing_m),
              ('amount_mismatch', bad.f_amount), ('status_mismatch', bad.f_status), ('symbol_mismatch', bad.f_symbol),
              ('address_mismatch', bad.f_address), ('duplicate', bad.f_dup)) AS t(type, hit)
      WHERE t.hit
     ON CONFLICT DO NOTHING`,
    { run: b.run, day: b.day, s: b.s, e: b.e },
  )
  return r.rowCount
}

export async function compareWithdrawals(db: Knex, b: { run: string; day: string; s: Date; e: Date }): Promise<number> {
  const r = await db.raw<{ rowCount: number }>(
    `WITH ${MIRROR_WITHDRAWALS}, ${LEDGER_WITHDRAWALS},
     dup AS (
       SELECT waas_id, first_value(waas_id) OVER w AS first_id, row_number() OVER w AS n
         FROM mw WHERE request_id <> ''
       WINDOW w AS (PARTITION BY request_id ORDER BY waas_id::numeric)),
     pairs AS (
       SELECT mw.waas_id AS m_id, mw.request_id AS m_request_id, mw.symbol AS m_symbol, mw.amount AS m_amount,
              mw.status AS m_status, mw.withdraw_type AS m_type, mw.address_to AS m_address, mw.withdraw_fee AS m_withdraw_fee,
              mw.withdraw_fee_symbol AS m_withdraw_fee_symbol, mw.real_fee AS m_real_fee, mw.fee_symbol AS m_fee_symbol,
              mw.txid AS m_txid, mw.waas_created_at AS m_created,
              lw.id AS l_id, lw.waas_withdrawal_id AS l_waas_id, lw.request_id AS l_request_id, lw.symbol AS l_symbol,
              lw.amount AS l_amount, lw.status AS l_status, lw.withdraw_fee AS l_withdraw_fee, lw.real_fee AS l_real_fee,
              lw.to_address || COALESCE('_' || lw.memo, '') AS l_address, lw.order_id,
              dup.first_id AS dup_of,
              (lw.id IS NULL) AS f_missing_l, (mw.waas_id IS NULL) AS f_missing_m,
              (mw.waas_id IS NOT NULL AND lw.id IS NOT NULL AND ${amountsDiffer("mw.amount", "lw.amount")}) AS f_amount,
              (mw.waas_id IS NOT NULL AND lw.id IS NOT NULL
                AND ${waasWithdrawalClass("mw.status", "mw.withdraw_type")} <> ${ledgerWithdrawalClass("lw.status")}) AS f_status,
              (mw.waas_id IS NOT NULL AND lw.id IS NOT NULL AND mw.symbol <> lw.symbol) AS f_symbol,
              (mw.waas_id IS NOT NULL AND lw.id IS NOT NULL AND mw.address_to <> lw.to_address || COALESCE('_' || lw.memo, '')) AS f_address,
              (mw.waas_id IS NOT NULL AND lw.id IS NOT NULL AND (
                 (lw.withdraw_fee IS NOT NULL AND ${amountsDiffer("mw.withdraw_fee", "lw.withdraw_fee")})
                 OR (lw.real_fee IS NOT NULL AND ${amountsDiffer("mw.real_fee", "lw.real_fee")}))) AS f_fee,
              (dup.n > 1) AS f_dup
         FROM mw FULL JOIN lw ON lw.waas_withdrawal_id = mw.waas_id
         LEFT JOIN dup ON dup.waas_id = mw.waas_id AND dup.n > 1),
     bad AS (SELECT * FROM pairs WHERE f_missing_l OR f_missing_m OR f_amount OR f_status OR f_symbol OR f_address OR f_fee OR f_dup)
     ${INSERT}
     SELECT ${BREAK_ID}, :run::text, :day::text, t.type, 'withdrawal', COALESCE(bad.m_id, bad.l_waas_id), COALESCE(bad.m_symbol, bad.l_symbol),
            COALESCE(bad.m_id, bad.l_waas_id), bad.l_id, bad.order_id,
            CASE WHEN bad.m_id IS NULL THEN NULL ELSE jsonb_build_object('amount', bad.m_amount, 'status', bad.m_status,
              'withdraw_type', bad.m_type, 'request_id', bad.m_request_id, 'symbol', bad.m_symbol, 'address_to', bad.m_address,
              'withdraw_fee', bad.m_withdraw_fee, 'withdraw_fee_symbol', bad.m_withdraw_fee_symbol, 'real_fee', bad.m_real_fee,
              'fee_symbol', bad.m_fee_symbol, 'txid', bad.m_txid, 'created_at', bad.m_created, 'duplicate_of', bad.dup_of) END,
            CASE WHEN bad.l_id IS NULL THEN NULL ELSE jsonb_build_object('amount', bad.l_amount, 'status', bad.l_status,
              'request_id', bad.l_request_id, 'symbol', bad.l_symbol, 'address_to', bad.l_address,
              'withdraw_fee', bad.l_withdraw_fee, 'real_fee', bad.l_real_fee) END,
            'open', now(), now()
       FROM bad
       CROSS JOIN LATERAL (VALUES ('missing_in_ledger', bad.f_missing_l), ('missing_at_waas', bad.f_missing_m),
              ('amount_mismatch', bad.f_amount), ('status_mismatch', bad.f_status), ('symbol_mismatch', bad.f_symbol),
              ('address_mismatch', bad.f_address), ('fee_mismatch', bad.f_fee), ('duplicate', bad.f_dup)) AS t(type, hit)
      WHERE t.hit
     ON CONFLICT DO NOTHING`,
    { run: b.run, day: b.day, s: b.s, e: b.e },
  )
  return r.rowCount
}
