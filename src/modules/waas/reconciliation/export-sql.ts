import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { RunRow } from "./runs-sql"

/**
 * The export of a run, in pages: its breaks (by id), then every matched deposit and withdrawal of its day (both
 * sides' values, by the WaaS's creation time: an index range, never the whole day in memory). The fiat value is
 * the crypto amount times the payment's locked rate, exact (no rounding: the accountant's system books it).
 */
export interface ExportLine {
  day: string
  run_id: string
  line: "break" | "matched"
  type: string
  kind: string
  symbol: string | null
  waas_id: string | null
  ledger_id: string | null
  order_id: string | null
  waas_amount: string | null
  ledger_amount: string | null
  waas_status: string | null
  ledger_status: string | null
  waas_fee: string | null
  ledger_fee: string | null
  fee_symbol: string | null
  fiat_amount: string | null
  currency_code: string | null
  rate: string | null
  break_status: string | null
  note: string | null
}

type Section = "break" | "deposit" | "withdrawal"
const NEXT: Record<Section, Section | null> = { break: "deposit", deposit: "withdrawal", withdrawal: null }

/** canonical text of a numeric (no trailing zeros after the point) */
const canonical = (x: string) => `(CASE WHEN (${x}) LIKE '%.%' THEN rtrim(rtrim((${x}), '0'), '.') ELSE (${x}) END)`
const FIAT = (amount: string) => `CASE WHEN cp.rate IS NULL THEN NULL ELSE ${canonical(`(${amount}::numeric * cp.rate::numeric)::text`)} END`

export async function countDay(db: Knex, w: { s: Date; e: Date }): Promise<number> {
  const r = await db.raw<{ rows: Array<{ n: string }> }>(
    `SELECT (SELECT count(*) FROM waas_mirror_record WHERE kind IN ('deposit', 'withdrawal') AND deleted_at IS NULL
               AND waas_created_at >= :s AND waas_created_at < :e)
          + (SELECT count(*) FROM waas_deposit WHERE deleted_at IS NULL AND waas_created_at >= :s AND waas_created_at < :e) AS n`,
    w,
  )
  return Number(r.rows[0].n)
}

export async function exportLines(db: Knex, run: RunRow, cursor: string | null, limit: number): Promise<{ lines: ExportLine[]; next: string | null }> {
  const [section, key] = parseCursor(cursor)
  const rows = await sectionRows(db, run, section, key, limit)
  if (rows.length === limit) return { lines: rows.map((r) => r.line), next: `${section}|${rows[rows.length - 1].key}` }
  const following = NEXT[section]
  return { lines: rows.map((r) => r.line), next: following ? `${following}|` : null }
}

function parseCursor(cursor: string | null): [Section, string] {
  if (!cursor) return ["break", ""]
  const [s, k = ""] = cursor.split("|")
  if (s !== "break" && s !== "deposit" && s !== "withdrawal") throw new RangeError(`not an export cursor: ${cursor}`)
  return [s, k]
}

async function sectionRows(db: Knex, run: RunRow, section: Section, key: string, limit: number): Promise<Array<{ key: string; line: ExportLine }>> {
  const base = { day: run.day, run_id: run.id }
  if (section === "break") {
    const r = await db.raw<{ rows: Array<Record<string, unknown>> }>(
      `SELECT b.id, b.type, b.kind, b.symbol, b.waas_id, b.ledger_id, b.order_id, b.status, b.note,
              COALESCE(b.waas_value ->> 'amount', NULL) AS waas_amount, COALESCE(b.ledger_value ->> 'amount', b.ledger_value ->> 'fiat_amount') AS ledger_amount,
              b.waas_value ->> 'status' AS waas_status, b.ledger_value ->> 'status' AS ledger_status,
              b.waas_value ->> 'real_fee' AS waas_fee, b.ledger_value ->> 'real_fee' AS ledger_fee, b.waas_value ->> 'fee_symbol' AS fee_symbol,
              COALESCE(b.medusa_value ->> 'captured_amount', b.medusa_value ->> 'amount') AS medusa_amount,
              COALESCE(b.medusa_value ->> 'currency_code', b.ledger_value ->> 'currency_code') AS currency_code
         FROM waas_recon_break b WHERE b.run_id = :run AND b.id > :key AND b.deleted_at IS NULL ORDER BY b.id LIMIT :limit`,
      { run: run.id, key, limit },
    )
    return r.rows.map((x) => ({
      key: String(x.id),
      line: {
        ...base, line: "break", type: String(x.type), kind: String(x.kind), symbol: str(x.symbol), waas_id: str(x.waas_id),
        ledger_id: str(x.ledger_id), order_id: str(x.order_id), waas_amount: str(x.waas_amount), ledger_amount: str(x.ledger_amount),
        waas_status: str(x.waas_status), ledger_status: str(x.ledger_status), waas_fee: str(x.waas_fee), ledger_fee: str(x.ledger_fee),
        fee_symbol: str(x.fee_symbol), fiat_amount: str(x.medusa_amount), currency_code: str(x.currency_code), rate: null,
        break_status: str(x.status), note: str(x.note),
      },
    }))
  }
  const [ts, id] = key ? key.split("~") : ["", ""]
  const after = ts ? { ts: new Date(ts), id } : { ts: new Date(0), id: "" }
  const isDeposit = section === "deposit"
  const sql = isDeposit
    ? `SELECT m.waas_created_at AS ts, m.waas_id, m.symbol, m.amount AS waas_amount, m.status::text AS waas_status,
              d.id AS ledger_id, d.amount AS ledger_amount, d.status AS ledger_status, NULL AS waas_fee, NULL AS ledger_fee, NULL AS fee_symbol,
              cp.order_id, cp.currency_code, cp.rate, ${FIAT("m.amount")} AS fiat
         FROM waas_mirror_record m
         JOIN waas_deposit d ON d.waas_deposit_id = m.waas_id AND d.deleted_at IS NULL
         LEFT JOIN waas_crypto_payment cp ON cp.id = d.crypto_payment_id
        WHERE m.kind = 'deposit' AND m.deleted_at IS NULL AND m.waas_created_at >= :s AND m.waas_created_at < :e
          AND (m.waas_created_at, m.waas_id) > (:ts::timestamptz, :id::text)
        ORDER BY m.waas_created_at, m.waas_id LIMIT :limit`
    : `SELECT m.waas_created_at AS ts, m.waas_id, m.symbol, m.amount AS waas_amount, m.status::text AS waas_status,
              w.id AS ledger_id, w.amount AS ledger_amount, w.status AS ledger_status, m.real_fee AS waas_fee, w.real_fee AS ledger_fee,
              m.fee_symbol, w.order_id, w.currency_code, w.rate, w.fiat_amount AS fiat
         FROM waas_mirror_record m
         JOIN waas_withdrawal w ON w.waas_withdrawal_id = m.waas_id
        WHERE m.kind = 'withdrawal' AND m.deleted_at IS NULL AND m.waas_created_at >= :s AND m.waas_created_at < :e
          AND (m.waas_created_at, m.waas_id) > (:ts::timestamptz, :id::text)
        ORDER BY m.waas_created_at, m.waas_id LIMIT :limit`
  const r = await db.raw<{ rows: Array<Record<string, unknown>> }>(sql, { s: run.window_start, e: run.window_end, ts: after.ts, id: after.id, limit })
  return r.rows.map((x) => ({
    key: `${(x.ts as Date).toISOString()}~${x.waas_id}`,
    line: {
      ...base, line: "matched", type: "", kind: section, symbol: str(x.symbol), waas_id: str(x.waas_id), ledger_id: str(x.ledger_id),
      order_id: str(x.order_id), waas_amount: str(x.waas_amount), ledger_amount: str(x.ledger_amount), waas_status: str(x.waas_status),
      ledger_status: str(x.ledger_status), waas_fee: str(x.waas_fee), ledger_fee: str(x.ledger_fee), fee_symbol: str(x.fee_symbol),
      fiat_amount: str(x.fiat), currency_code: str(x.currency_code), rate: str(x.rate), break_status: null, note: null,
    },
  }))
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
