import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { LEDGER_DEPOSITS, LEDGER_WITHDRAWALS, MIRROR_DEPOSITS, MIRROR_WITHDRAWALS } from "./day-sets-sql"

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

export async function compareMedusa(db: Knex, b: { run: string; day: string; s: Date; e: Date }): Promise<number> {
  const binds = { run: b.run, day: b.day, s: b.s, e: b.e }
  const payments = await db.raw<{ rowCount: number }>(
    `WITH fp AS (SELECT DISTINCT ON (crypto_payment_id) * FROM waas_recon_medusa_fact
                  WHERE run_id = :run AND fact = 'payment' ORDER BY crypto_payment_id, recorded_at NULLS LAST),
     pairs AS (
       SELECT cp.id, cp.symbol, cp.order_id, cp.status, cp.amount_received, cp.fiat_amount, cp.currency_code,
              fp.medusa_payment_id, fp.amount AS medusa_amount, fp.currency_code AS medusa_currency, fp.recorded_at,
              (cp.status IN ('paid', 'overpaid') AND fp.recorded_at IS NULL) AS f_not_captured,
              (cp.status NOT IN ('paid', 'overpaid') AND fp.recorded_at IS NOT NULL) AS f_without_credit,
              (cp.status IN ('paid', 'overpaid') AND fp.recorded_at IS NOT NULL
                AND (fp.amount IS NULL OR fp.amount::numeric <> cp.fiat_amount)) AS f_amount
         FROM fp JOIN waas_crypto_payment cp ON cp.id = fp.crypto_payment_id)
     ${INSERT}
     SELECT ${BREAK_ID}, :run::text, :day::text, t.type, 'payment', p.id, p.symbol, NULL, p.id, p.order_id,
            jsonb_build_object('status', p.status, 'amount_received', p.amount_received, 'fiat_amount', p.fiat_amount::text,
              'currency_code', p.currency_code),
            jsonb_build_object('payment_id', p.medusa_payment_id, 'captured_at', p.recorded_at, 'captured_amount', p.medusa_amount,
              'currency_code', p.medusa_currency),
            'open', now(), now()
       FROM pairs p
       CROSS JOIN LATERAL (VALUES ('credited_not_captured', p.f_not_captured), ('captured_without_credit', p.f_without_credit),
              ('amount_mismatch', p.f_amount)) AS t(type, hit)
      WHERE t.hit
     ON CONFLICT DO NOTHING`,
    binds,
  )
  const refunds = await db.raw<{ rowCount: number }>(
    `WITH ${MIRROR_WITHDRAWALS}, ${LEDGER_WITHDRAWALS},
     fr AS (SELECT * FROM waas_recon_medusa_fact WHERE run_id = :run AND fact = 'refund')
     ${INSERT}
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
     SELECT ${BREAK_ID}, :run::text, :day::text, 'refund_without_withdrawal', 'payment', fr.refund_id, cp.symbol, NULL, cp.id, cp.order_id,
            jsonb_build_object('withdrawal_id', NULL, 'crypto_payment_id', cp.id),
            jsonb_build_object('refund_id', fr.refund_id, 'payment_id', fr.medusa_payment_id, 'amount', fr.amount,
              'currency_code', fr.currency_code, 'created_at', fr.recorded_at),
            'open', now(), now()
       FROM fr JOIN waas_crypto_payment cp ON cp.id = fr.crypto_payment_id
      WHERE fr.recorded_at >= :s AND fr.recorded_at < :e
        AND NOT EXISTS (SELECT 1 FROM waas_withdrawal w WHERE w.medusa_refund_id = fr.refund_id)
     ON CONFLICT DO NOTHING`,
    binds,
  )
  return payments.rowCount + refunds.rowCount
}
