import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { preparedRaw } from "../prepared-sql"
import { DEPOSIT_TABLE, type DepositFactsRow } from "./ledger-sql"

/**
 * Of a sync page's records, the WaaS ids whose facts the ledger already holds exactly as they are on the page
 * (status, confirmations, amount, symbol, address, txid, the WaaS's dates), in ONE query for the page. Applying
 * such a record again would only rewrite the same facts: the poller passes over it (issue 11: in steady state
 * every deposit applied from its callback comes round once more in the sync).
 *
 * A parked deposit (needs_review) is never passed over: it is the one status whose re-application with the same
 * facts may end differently (a rule fixed since, an option changed). The statuses the poller re-reads every run
 * anyway (pending, compliance_review, held, orphaned: DEPOSIT_STATUSES_REREAD) lose nothing by it, and a settled
 * payment Medusa has not captured yet is re-driven by the poll's Medusa phase, not by a repeat application.
 *
 * The amounts compare as text, and that is an exact decimal comparison: the ledger's amount and the page's are
 * both the canonical form (formatDecimal of the parsed WaaS text, pulled-deposit.ts), so equal values are equal
 * strings. A parked record, the one place the WaaS's raw text is kept, is never passed over (above).
 */
export async function listAppliedUnchanged(db: Knex, page: readonly DepositFactsRow[]): Promise<Set<string>> {
  if (page.length === 0) return new Set()
  const rows = page.map((f) => ({
    waas_deposit_id: f.waas_deposit_id,
    symbol: f.symbol,
    address_to: f.address_to,
    amount: f.amount,
    txid: f.txid,
    confirmations: f.confirmations,
    waas_status: f.waas_status,
    waas_created_at: f.waas_created_at.toISOString(),
    waas_updated_at: f.waas_updated_at.toISOString(),
  }))
  const result = await preparedRaw<{ rows: Array<{ waas_deposit_id: string }> }>(
    db,
    "deposits_unchanged_v1",
    `SELECT d.waas_deposit_id
       FROM jsonb_to_recordset(CAST(:page AS jsonb)) AS p(
              waas_deposit_id text, symbol text, address_to text, amount text, txid text, confirmations integer,
              waas_status integer, waas_created_at timestamptz, waas_updated_at timestamptz)
       JOIN ${DEPOSIT_TABLE} d ON d.waas_deposit_id = p.waas_deposit_id AND d.deleted_at IS NULL
      WHERE d.status <> 'needs_review'
        AND d.waas_status = p.waas_status AND d.confirmations = p.confirmations AND d.amount = p.amount
        AND d.symbol = p.symbol AND d.address_to = p.address_to AND d.txid = p.txid
        AND d.waas_created_at = p.waas_created_at AND d.waas_updated_at = p.waas_updated_at`,
    { page: JSON.stringify(rows) },
  )
  return new Set(result.rows.map((r) => r.waas_deposit_id))
}
