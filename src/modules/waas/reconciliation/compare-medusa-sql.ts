import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { LEDGER_DEPOSITS, LEDGER_WITHDRAWALS, MIRROR_DEPOSITS, MIRROR_WITHDRAWALS } from "./day-sets-sql"
import { figure, Pass, PassBinds, runPass } from "./pass-sql"

/**
 * Ledger ↔ Medusa. Medusa's side is what the run read through Medusa's payment module into
 * waas_recon_medusa_fact (one `payment` fact per crypto payment of the day, with or without a Medusa payment,
 * and one `refund` fact per Medusa refund on it); the compare is SQL over those facts and our ledger.
 */

/** The crypto payments of a day: those a deposit of the day was credited to (or reversed from), or a refund of the day paid. Keyset-paged. */
export async function listDayPayments(
  db: Knex,
  b: { s: Date; e: Date; after: string; limit: number },
): Promise<Array<{ id: string; payment_session_id: string }>> {
  const r = await db.raw<{ rows: Array<{ id: string; payment_session_id: string }> }>(
    `WITH ${MIRROR_DEPOSITS}, ${LEDGER_DEPOSITS}, ${MIRROR_WITHDRAWALS}, ${LEDGER_WITHDRAWALS},
     ids AS (SELECT crypto_payment_id AS id FROM l WHERE crypto_payment_id IS NOT NULL AND status IN ('credited', 'reversed')
             UNION SELECT crypto_payment_id FROM lw WHERE source = 'payment' AND crypto_payment_id IS NOT NULL)
     SELECT cp.id, cp.payment_session_id FROM waas_crypto_payment cp JOIN ids ON ids.id = cp.id
      WHERE cp.id > :after ORDER BY cp.id LIMIT :limit`,
    { s: b.s, e: b.e, after: b.after, limit: b.limit },
  )
  return r.rows
}

/** crypto payments by their Medusa payment session (Medusa payments captured in the window, found from Medusa's side) */
export async function paymentsBySession(db: Knex, sessionIds: string[]): Promise<Array<{ id: string; payment_session_id: string }>> {
  if (sessionIds.length === 0) return []
  const r = await db.raw<{ rows: Array<{ id: string; payment_session_id: string }> }>(
    `SELECT id, payment_session_id FROM waas_crypto_payment WHERE payment_session_id = ANY(?) AND deleted_at IS NULL`,
    [sessionIds],
  )
  return r.rows
}

export interface MedusaFact {
  fact: "payment" | "refund"
  crypto_payment_id: string
  medusa_payment_id: string | null
  refund_id: string | null
  amount: string | null
  currency_code: string | null
  recorded_at: string | null
}

export async function insertMedusaFacts(db: Knex, run: string, facts: readonly MedusaFact[]): Promise<void> {
  if (facts.length === 0) return
  await db.raw(
    `INSERT INTO waas_recon_medusa_fact (id, run_id, fact, crypto_payment_id, medusa_payment_id, refund_id, amount, currency_code,
        recorded_at, created_at, updated_at)
     SELECT 'wrmf_' || replace(gen_random_uuid()::text, '-', ''), ?::text, f.fact, f.crypto_payment_id, f.medusa_payment_id, f.refund_id,
            f.amount, f.currency_code, f.recorded_at::timestamptz, now(), now()
       FROM jsonb_to_recordset(?::jsonb) AS f(fact text, crypto_payment_id text, medusa_payment_id text, refund_id text,
            amount text, currency_code text, recorded_at text)`,
    [run, JSON.stringify(facts)],
  )
}

const INSERT = `INSERT INTO waas_recon_break (id, run_id, day, type, kind, match_key, symbol, waas_id, ledger_id, order_id,
  ledger_value, medusa_value, status, created_at, updated_at)`
const BREAK_ID = `'wrbrk_' || replace(gen_random_uuid()::text, '-', '')`

/**
 * The ledger ↔ Medusa breaks, and Medusa's side of the totals from the same reads of the run's facts: the payment
 * facts with their crypto payments feed the payment breaks and Medusa's per-coin captures; the refund facts of the
 * day with theirs feed `refund_without_withdrawal` and Medusa's per-coin refunds.
 */
export async function medusaPass(db: Knex, b: PassBinds): Promise<Pass> {
  const payments = await runPass(
    db,
    `fc AS (SELECT f.crypto_payment_id, f.medusa_payment_id, f.amount, f.currency_code, f.recorded_at, cp.symbol, cp.order_id,
                   cp.status, cp.amount_received, cp.fiat_amount, cp.currency_code AS cp_currency
              FROM waas_recon_medusa_fact f JOIN waas_crypto_payment cp ON cp.id = f.crypto_payment_id
             WHERE f.run_id = :run AND f.fact = 'payment'),
     fp AS (SELECT DISTINCT ON (crypto_payment_id) * FROM fc ORDER BY crypto_payment_id, recorded_at NULLS LAST),
     pairs AS (
       SELECT fp.*,
              (status IN ('paid', 'overpaid') AND recorded_at IS NULL) AS f_not_captured,
              (status NOT IN ('paid', 'overpaid') AND recorded_at IS NOT NULL) AS f_without_credit,
              (status IN ('paid', 'overpaid') AND recorded_at IS NOT NULL AND (amount IS NULL OR amount::numeric <> fiat_amount)) AS f_amount
         FROM fp)`,
    b.write
      ? `${INSERT}
     SELECT ${BREAK_ID}, :run::text, :day::text, t.type, 'payment', p.crypto_payment_id, p.symbol, NULL, p.crypto_payment_id, p.order_id,
            jsonb_build_object('status', p.status, 'amount_received', p.amount_received, 'fiat_amount', p.fiat_amount::text,
              'currency_code', p.cp_currency),
            jsonb_build_object('payment_id', p.medusa_payment_id, 'captured_at', p.recorded_at, 'captured_amount', p.amount,
              'currency_code', p.currency_code),
            'open', now(), now()
       FROM pairs p
       CROSS JOIN LATERAL (VALUES ('credited_not_captured', p.f_not_captured), ('captured_without_credit', p.f_without_credit),
              ('amount_mismatch', p.f_amount)) AS t(type, hit)
      WHERE t.hit`
      : null,
    `${figure({ what: "medusa", kind: "deposit", symbol: "symbol", currency: "currency_code", count: "count(*)", sum: "sum(amount::numeric)" })}
       FROM fc WHERE recorded_at IS NOT NULL GROUP BY symbol, currency_code`,
    b,
  )
  const refunds = await runPass(
    db,
    `${MIRROR_WITHDRAWALS}, ${LEDGER_WITHDRAWALS},
     fr AS (SELECT * FROM waas_recon_medusa_fact WHERE run_id = :run AND fact = 'refund'),
     frc AS (SELECT fr.refund_id, fr.medusa_payment_id, fr.amount, fr.currency_code, fr.recorded_at, cp.id AS cp_id, cp.symbol, cp.order_id
               FROM fr JOIN waas_crypto_payment cp ON cp.id = fr.crypto_payment_id
              WHERE fr.recorded_at >= :s AND fr.recorded_at < :e)`,
    b.write
      ? `${INSERT}
     SELECT ${BREAK_ID}, :run::text, :day::text, 'withdrawal_without_refund', 'withdrawal', lw.waas_withdrawal_id, lw.symbol, lw.waas_withdrawal_id,
            lw.id, lw.order_id,
            jsonb_build_object('status', lw.status, 'amount', lw.amount, 'fiat_amount', lw.fiat_amount, 'currency_code', lw.currency_code,
              'medusa_refund_id', lw.medusa_refund_id, 'crypto_payment_id', lw.crypto_payment_id),
            jsonb_build_object('refund_id', NULL),
            'open', now(), now()
       FROM lw
      WHERE lw.status = 'completed' AND lw.source = 'payment'
        AND (lw.medusa_refund_id IS NULL OR NOT EXISTS (SELECT 1 FROM fr WHERE fr.refund_id = lw.medusa_refund_id))
     UNION ALL
     SELECT ${BREAK_ID}, :run::text, :day::text, 'refund_without_withdrawal', 'payment', r.refund_id, r.symbol, NULL, r.cp_id, r.order_id,
            jsonb_build_object('withdrawal_id', NULL, 'crypto_payment_id', r.cp_id),
            jsonb_build_object('refund_id', r.refund_id, 'payment_id', r.medusa_payment_id, 'amount', r.amount,
              'currency_code', r.currency_code, 'created_at', r.recorded_at),
            'open', now(), now()
       FROM frc r
      WHERE NOT EXISTS (SELECT 1 FROM waas_withdrawal w WHERE w.medusa_refund_id = r.refund_id)`
      : null,
    `${figure({ what: "medusa", kind: "withdrawal", symbol: "symbol", currency: "currency_code", count: "count(*)", sum: "sum(amount::numeric)" })}
       FROM frc GROUP BY symbol, currency_code`,
    b,
  )
  return { breaks: payments.breaks + refunds.breaks, figures: [...payments.figures, ...refunds.figures] }
}
