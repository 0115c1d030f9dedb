import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import {
  amountsDiffer,
  LEDGER_DEPOSIT_ROWS,
  LEDGER_WITHDRAWAL_ROWS,
  ledgerDepositClass,
  ledgerWithdrawalClass,
  MIRROR_DEPOSITS,
  MIRROR_WITHDRAWALS,
  num,
  ownDeposit,
  ownWithdrawal,
  waasDepositClass,
  waasWithdrawalClass,
} from "./day-sets-sql"
import { feeFigures, Pass, PassBinds, runPass, sideFigures } from "./pass-sql"

/**
 * WaaS ↔ ledger, set-based, one statement per record kind: the day's mirror rows FULL JOIN the day's ledger rows
 * on the WaaS id (each side's unmatched rows are breaks too) are the `pairs`, with their flags computed once per
 * pair. The same pass feeds both the break INSERT (a data-modifying CTE: the few pairs with a flag set, expanded
 * into breaks with both sides' values) and the per-coin figures of both sides (and the withdrawals' fees), so the
 * day's rows are read and joined once per kind. A balanced million costs one join and no JSON; nothing is read
 * into memory but the per-coin rows. With `write` false (the totals read again) no break is written.
 */

const BREAK_ID = `'wrbrk_' || replace(gen_random_uuid()::text, '-', '')`

const INSERT = `INSERT INTO waas_recon_break (id, run_id, day, type, kind, match_key, symbol, waas_id, ledger_id, order_id,
  waas_value, ledger_value, status, created_at, updated_at)`

const ANY_DEPOSIT_FLAG = `(f_missing_l OR f_missing_m OR f_amount OR f_status OR f_symbol OR f_address OR f_dup)`

export async function depositPass(db: Knex, b: PassBinds): Promise<Pass> {
  const ctes = `${MIRROR_DEPOSITS}, ${LEDGER_DEPOSIT_ROWS},
     dup AS (
       SELECT waas_id, first_value(waas_id) OVER w AS first_id, row_number() OVER w AS n
         FROM m WHERE txid <> ''
       WINDOW w AS (PARTITION BY symbol, address_to, txid ORDER BY waas_id::numeric)),
     flagged AS (
       SELECT m.waas_id AS m_id, m.symbol AS m_symbol, m.amount AS m_amount, m.status AS m_status,
              l.id AS l_id, l.waas_deposit_id AS l_waas_id, l.symbol AS l_symbol, l.amount AS l_amount, c.l_class,
              m.address_to AS m_address, m.txid AS m_txid, m.waas_created_at AS m_created, dup.first_id AS dup_of,
              l.status AS l_status, l.waas_status AS l_waas_status, l.address_to AS l_address, l.crypto_payment_id,
              l.waas_created_at AS l_created,
              (l.id IS NULL) AS f_missing_l, (m.waas_id IS NULL) AS f_missing_m,
              (m.waas_id IS NOT NULL AND l.id IS NOT NULL AND ${amountsDiffer("m.amount", "l.amount")}) AS f_amount,
              (m.waas_id IS NOT NULL AND l.id IS NOT NULL AND ${waasDepositClass("m.status")} <> c.l_class) AS f_status,
              (m.waas_id IS NOT NULL AND l.id IS NOT NULL AND m.symbol <> l.symbol) AS f_symbol,
              (m.waas_id IS NOT NULL AND l.id IS NOT NULL AND m.address_to <> l.address_to) AS f_address,
              (dup.n > 1) AS f_dup
         FROM m FULL JOIN ld l ON l.waas_deposit_id = m.waas_id
         LEFT JOIN dup ON dup.waas_id = m.waas_id AND dup.n > 1
         CROSS JOIN LATERAL (SELECT ${ledgerDepositClass("l.status", "l.waas_status")} AS l_class) c
        WHERE ${ownDeposit("l", "m")}),
     pairs AS (
       SELECT m_id, m_symbol, m_amount, m_status, l_id, l_waas_id, l_symbol, l_amount, l_class,
              f_missing_l, f_missing_m, f_amount, f_status, f_symbol, f_address, f_dup,
              CASE WHEN ${ANY_DEPOSIT_FLAG} AND m_id IS NOT NULL THEN jsonb_build_object('amount', m_amount, 'status', m_status,
                'symbol', m_symbol, 'address_to', m_address, 'txid', m_txid, 'created_at', m_created, 'duplicate_of', dup_of) END AS waas_value,
              CASE WHEN ${ANY_DEPOSIT_FLAG} AND l_id IS NOT NULL THEN jsonb_build_object('amount', l_amount, 'status', l_status,
                'waas_status', l_waas_status, 'symbol', l_symbol, 'address_to', l_address,
                'crypto_payment_id', crypto_payment_id, 'created_at', l_created) END AS ledger_value,
              CASE WHEN ${ANY_DEPOSIT_FLAG} THEN (SELECT cp.order_id FROM waas_crypto_payment cp WHERE cp.id = crypto_payment_id) END AS order_id
         FROM flagged)`
  const breaks = `${INSERT}
     SELECT ${BREAK_ID}, :run::text, :day::text, t.type, 'deposit', COALESCE(bad.m_id, bad.l_waas_id), COALESCE(bad.m_symbol, bad.l_symbol),
            COALESCE(bad.m_id, bad.l_waas_id), bad.l_id, bad.order_id, bad.waas_value, bad.ledger_value, 'open', now(), now()
       FROM pairs bad
       CROSS JOIN LATERAL (VALUES ('missing_in_ledger', bad.f_missing_l), ('missing_at_waas', bad.f_missing_m),
              ('amount_mismatch', bad.f_amount), ('status_mismatch', bad.f_status), ('symbol_mismatch', bad.f_symbol),
              ('address_mismatch', bad.f_address), ('duplicate', bad.f_dup)) AS t(type, hit)
      WHERE ${ANY_DEPOSIT_FLAG.replace(/f_/g, "bad.f_")} AND t.hit`
  const figures = `${sideFigures({ kind: "deposit", side: "waas", from: "pairs", where: "m_id IS NOT NULL", symbol: "m_symbol", ok: "m_status = 1", amount: "m_amount::numeric" })}
     UNION ALL ${sideFigures({ kind: "deposit", side: "ledger", from: "pairs", where: "l_id IS NOT NULL", symbol: "l_symbol", ok: "l_class = 'success'", amount: num("l_amount") })}`
  return runPass(db, ctes, b.write ? breaks : null, figures, b)
}

const ANY_WITHDRAWAL_FLAG = `(f_missing_l OR f_missing_m OR f_amount OR f_status OR f_symbol OR f_address OR f_fee OR f_dup)`

export async function withdrawalPass(db: Knex, b: PassBinds): Promise<Pass> {
  const ctes = `${MIRROR_WITHDRAWALS}, ${LEDGER_WITHDRAWAL_ROWS},
     dup AS (
       SELECT waas_id, first_value(waas_id) OVER w AS first_id, row_number() OVER w AS n
         FROM mw WHERE request_id <> ''
       WINDOW w AS (PARTITION BY request_id ORDER BY waas_id::numeric)),
     flagged AS (
       SELECT mw.waas_id AS m_id, mw.request_id AS m_request_id, mw.symbol AS m_symbol, mw.amount AS m_amount,
              mw.status AS m_status, mw.withdraw_type AS m_type, mw.address_to AS m_address, mw.withdraw_fee AS m_withdraw_fee,
              mw.withdraw_fee_symbol AS m_withdraw_fee_symbol, mw.real_fee AS m_real_fee, mw.fee_symbol AS m_fee_symbol,
              mw.txid AS m_txid, mw.waas_created_at AS m_created, c.m_class,
              lw.id AS l_id, lw.waas_withdrawal_id AS l_waas_id, lw.request_id AS l_request_id, lw.symbol AS l_symbol,
              lw.amount AS l_amount, lw.status AS l_status, lw.withdraw_fee AS l_withdraw_fee, lw.real_fee AS l_real_fee,
              c.l_address, lw.order_id, dup.first_id AS dup_of,
              (lw.id IS NULL) AS f_missing_l, (mw.waas_id IS NULL) AS f_missing_m,
              (mw.waas_id IS NOT NULL AND lw.id IS NOT NULL AND ${amountsDiffer("mw.amount", "lw.amount")}) AS f_amount,
              (mw.waas_id IS NOT NULL AND lw.id IS NOT NULL AND c.m_class <> ${ledgerWithdrawalClass("lw.status")}) AS f_status,
              (mw.waas_id IS NOT NULL AND lw.id IS NOT NULL AND mw.symbol <> lw.symbol) AS f_symbol,
              (mw.waas_id IS NOT NULL AND lw.id IS NOT NULL AND mw.address_to <> c.l_address) AS f_address,
              (mw.waas_id IS NOT NULL AND lw.id IS NOT NULL AND (
                 (lw.withdraw_fee IS NOT NULL AND ${amountsDiffer("mw.withdraw_fee", "lw.withdraw_fee")})
                 OR (lw.real_fee IS NOT NULL AND ${amountsDiffer("mw.real_fee", "lw.real_fee")}))) AS f_fee,
              (dup.n > 1) AS f_dup
         FROM mw FULL JOIN lwd lw ON lw.waas_withdrawal_id = mw.waas_id
         LEFT JOIN dup ON dup.waas_id = mw.waas_id AND dup.n > 1
         CROSS JOIN LATERAL (SELECT ${waasWithdrawalClass("mw.status", "mw.withdraw_type")} AS m_class,
                                    lw.to_address || COALESCE('_' || lw.memo, '') AS l_address) c
        WHERE ${ownWithdrawal("lw", "mw")}),
     pairs AS (
       SELECT m_id, m_symbol, m_amount, m_class, m_withdraw_fee, m_withdraw_fee_symbol, m_real_fee, m_fee_symbol,
              l_id, l_waas_id, l_symbol, l_amount, l_status, order_id,
              f_missing_l, f_missing_m, f_amount, f_status, f_symbol, f_address, f_fee, f_dup,
              CASE WHEN ${ANY_WITHDRAWAL_FLAG} AND m_id IS NOT NULL THEN jsonb_build_object('amount', m_amount, 'status', m_status,
                'withdraw_type', m_type, 'request_id', m_request_id, 'symbol', m_symbol, 'address_to', m_address,
                'withdraw_fee', m_withdraw_fee, 'withdraw_fee_symbol', m_withdraw_fee_symbol, 'real_fee', m_real_fee,
                'fee_symbol', m_fee_symbol, 'txid', m_txid, 'created_at', m_created, 'duplicate_of', dup_of) END AS waas_value,
              CASE WHEN ${ANY_WITHDRAWAL_FLAG} AND l_id IS NOT NULL THEN jsonb_build_object('amount', l_amount, 'status', l_status,
                'request_id', l_request_id, 'symbol', l_symbol, 'address_to', l_address,
                'withdraw_fee', l_withdraw_fee, 'real_fee', l_real_fee) END AS ledger_value
         FROM flagged)`
  const breaks = `${INSERT}
     SELECT ${BREAK_ID}, :run::text, :day::text, t.type, 'withdrawal', COALESCE(bad.m_id, bad.l_waas_id), COALESCE(bad.m_symbol, bad.l_symbol),
            COALESCE(bad.m_id, bad.l_waas_id), bad.l_id, bad.order_id, bad.waas_value, bad.ledger_value, 'open', now(), now()
       FROM pairs bad
       CROSS JOIN LATERAL (VALUES ('missing_in_ledger', bad.f_missing_l), ('missing_at_waas', bad.f_missing_m),
              ('amount_mismatch', bad.f_amount), ('status_mismatch', bad.f_status), ('symbol_mismatch', bad.f_symbol),
              ('address_mismatch', bad.f_address), ('fee_mismatch', bad.f_fee), ('duplicate', bad.f_dup)) AS t(type, hit)
      WHERE ${ANY_WITHDRAWAL_FLAG.replace(/f_/g, "bad.f_")} AND t.hit`
  const ok = "m_class = 'success'"
  const waas = "m_id IS NOT NULL"
  const figures = `${sideFigures({ kind: "withdrawal", side: "waas", from: "pairs", where: waas, symbol: "m_symbol", ok, amount: "m_amount::numeric" })}
     UNION ALL ${sideFigures({ kind: "withdrawal", side: "ledger", from: "pairs", where: "l_id IS NOT NULL", symbol: "l_symbol",
       ok: `${ledgerWithdrawalClass("l_status")} = 'success'`, amount: num("l_amount") })}
     UNION ALL ${feeFigures({ kind: "withdrawal_service_fees", from: "pairs", where: `${waas} AND ${ok} AND m_withdraw_fee IS NOT NULL`,
       symbol: "m_withdraw_fee_symbol", amount: "m_withdraw_fee::numeric" })}
     UNION ALL ${feeFigures({ kind: "withdrawal_miner_fees", from: "pairs", where: `${waas} AND ${ok} AND m_real_fee IS NOT NULL`,
       symbol: "m_fee_symbol", amount: "m_real_fee::numeric" })}`
  return runPass(db, ctes, b.write ? breaks : null, figures, b)
}
