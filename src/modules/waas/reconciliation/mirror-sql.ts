import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { preparedRaw } from "../prepared-sql"
import type { MirrorRow } from "./mirror-rows"
import type { MirrorKind } from "./recon-states"

export const MIRROR_TABLE = "waas_mirror_record"
const CURSOR_TABLE = "waas_sync_cursor"

/** the mirror's own sync cursors (waas_sync_cursor.name), apart from the pollers' */
export const MIRROR_CURSORS: Readonly<Record<MirrorKind, string>> = {
  deposit: "mirror:deposits",
  withdrawal: "mirror:withdrawals",
  miner_fee: "mirror:miner_fees",
}

const COLUMNS = `kind text, waas_id text, request_id text, uid text, symbol text, amount text, status int, withdraw_type int,
  address_from text, address_to text, txid text, confirmations int, fee text, fee_symbol text, real_fee text,
  withdraw_fee text, withdraw_fee_symbol text, final boolean, created_ms bigint, updated_ms bigint`

/** the WaaS's facts of a mirror row: an answer that repeats them all (the same updated_at) is not written again */
const DATA = ["request_id", "uid", "symbol", "amount", "status", "withdraw_type", "address_from", "address_to", "txid",
  "confirmations", "fee", "fee_symbol", "real_fee", "withdraw_fee", "withdraw_fee_symbol", "final", "waas_created_at"]

/**
 * Writes a page of WaaS records in ONE statement (a JSON array unpacked by jsonb_to_recordset: a multi-row
 * insert, never a statement per row). A record already mirrored takes the WaaS's newer answer (its updated_at
 * not older than the stored one); an older answer (a poller's page read before a refresh) changes nothing, and
 * neither does one that repeats the stored facts (a poller's page read again: issue 11), which is not rewritten.
 */
export async function upsertMirrorRows(db: Knex, rows: readonly MirrorRow[]): Promise<number> {
  if (rows.length === 0) return 0
  const result = await preparedRaw<{ rowCount: number }>(
    db,
    "mirror_upsert_v1",
    `INSERT INTO ${MIRROR_TABLE} (id, kind, waas_id, request_id, uid, symbol, amount, status, withdraw_type, address_from,
        address_to, txid, confirmations, fee, fee_symbol, real_fee, withdraw_fee, withdraw_fee_symbol, final,
        waas_created_at, waas_updated_at, fetched_at, created_at, updated_at)
     SELECT 'wmir_' || replace(gen_random_uuid()::text, '-', ''), r.kind, r.waas_id, r.request_id, r.uid, r.symbol, r.amount,
        r.status, r.withdraw_type, r.address_from, r.address_to, r.txid, r.confirmations, r.fee, r.fee_symbol, r.real_fee,
        r.withdraw_fee, r.withdraw_fee_symbol, r.final, to_timestamp(r.created_ms / 1000.0), to_timestamp(r.updated_ms / 1000.0),
        now(), now(), now()
       FROM jsonb_to_recordset(?::jsonb) AS r(${COLUMNS})
     ON CONFLICT (kind, waas_id) WHERE deleted_at IS NULL DO UPDATE SET
        request_id = EXCLUDED.request_id, uid = EXCLUDED.uid, symbol = EXCLUDED.symbol, amount = EXCLUDED.amount,
        status = EXCLUDED.status, withdraw_type = EXCLUDED.withdraw_type, address_from = EXCLUDED.address_from,
        address_to = EXCLUDED.address_to, txid = EXCLUDED.txid, confirmations = EXCLUDED.confirmations, fee = EXCLUDED.fee,
        fee_symbol = EXCLUDED.fee_symbol, real_fee = EXCLUDED.real_fee, withdraw_fee = EXCLUDED.withdraw_fee,
        withdraw_fee_symbol = EXCLUDED.withdraw_fee_symbol, final = EXCLUDED.final, waas_created_at = EXCLUDED.waas_created_at,
        waas_updated_at = EXCLUDED.waas_updated_at, fetched_at = now(), updated_at = now()
      WHERE EXCLUDED.waas_updated_at > ${MIRROR_TABLE}.waas_updated_at
         OR (EXCLUDED.waas_updated_at = ${MIRROR_TABLE}.waas_updated_at AND (${DATA.map((c) => `EXCLUDED.${c}`).join(", ")})
             IS DISTINCT FROM (${DATA.map((c) => `${MIRROR_TABLE}.${c}`).join(", ")}))`,
    [JSON.stringify(rows)],
  )
  return result.rowCount
}

/** the mirror cursor's row, created at 0 if it does not exist yet (a poller's page may come before any reconciliation) */
export async function ensureMirrorCursor(db: Knex, kind: MirrorKind): Promise<void> {
  await preparedRaw(
    db,
    "mirror_cursor_ensure_v1",
    `INSERT INTO ${CURSOR_TABLE} (id, name, max_id, created_at, updated_at)
     VALUES ('wcur_' || replace(gen_random_uuid()::text, '-', ''), ?, '0', now(), now())
     ON CONFLICT (name) WHERE deleted_at IS NULL DO NOTHING`,
    [MIRROR_CURSORS[kind]],
  )
}

export async function readMirrorCursor(db: Knex, kind: MirrorKind): Promise<string> {
  const name = MIRROR_CURSORS[kind]
  await ensureMirrorCursor(db, kind)
  const r = await db.raw<{ rows: Array<{ max_id: string }> }>(`SELECT max_id FROM ${CURSOR_TABLE} WHERE name = ? AND deleted_at IS NULL`, [name])
  return r.rows[0].max_id
}

/**
 * Moves a mirror cursor to `to` once the page read after `from` is stored, but only while the cursor is at
 * or past `from` (the mirror then holds every record up to `to`) and before `to`: a page read by a poller whose
 * own cursor is behind or ahead of the mirror's never leaves a gap and never moves the cursor back. Unlike the
 * pollers' cursors, losing the race is no error: the page is stored either way.
 */
export async function advanceMirrorCursor(db: Knex, kind: MirrorKind, from: string, to: string): Promise<boolean> {
  if (!/^\d+$/.test(from) || !/^\d+$/.test(to)) throw new RangeError(`mirror cursor ${kind}: cannot move from ${from} to ${to}`)
  const r = await preparedRaw<{ rowCount: number }>(
    db,
    "mirror_cursor_advance_v1",
    `UPDATE ${CURSOR_TABLE} SET max_id = :to, updated_at = now()
      WHERE name = :name AND deleted_at IS NULL AND max_id::numeric >= :from::numeric AND max_id::numeric < :to::numeric`,
    { name: MIRROR_CURSORS[kind], from, to },
  )
  return r.rowCount === 1
}

/** mirror rows the WaaS may still move, oldest first: refreshed by id before a day is compared */
export async function listNotFinal(db: Knex, kind: MirrorKind, limit: number, afterWaasId: string | null): Promise<Array<{ waas_id: string; request_id: string | null }>> {
  const r = await db.raw<{ rows: Array<{ waas_id: string; request_id: string | null }> }>(
    `SELECT waas_id, request_id FROM ${MIRROR_TABLE}
      WHERE kind = :kind AND final = false AND deleted_at IS NULL AND (:after::numeric IS NULL OR waas_id::numeric > :after::numeric)
      ORDER BY waas_id::numeric LIMIT :limit`,
    { kind, limit, after: afterWaasId },
  )
  return r.rows
}
