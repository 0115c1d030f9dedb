import type { CursorStart } from "./cursor-sql"
import { DEPOSIT_TABLE } from "./ledger-sql"

/**
 * Where a new install's syncDepositList cursor starts (issue 11): the option depositSyncStartAfter when it is set,
 * otherwise after the highest WaaS deposit id in the ledger, so the first poll does not re-apply the WaaS's whole
 * history (every deposit the account ever had, each one an orphan here). Only the ledger counts: its rows were
 * read back from the WaaS, whereas an inbox row names whatever id a callback claimed (a forged one could push the
 * start past every real deposit). Older history is read on an admin's request (the deposit backfill). A cursor
 * already there is never moved by this: it is the start of a row that does not exist yet.
 */
export function depositSyncStart(startAfter: string | undefined): CursorStart {
  return {
    sql: `COALESCE(CAST(:deposit_start_after AS text), (
            SELECT COALESCE(max(waas_deposit_id::bigint), 0)::text FROM ${DEPOSIT_TABLE}
             WHERE deleted_at IS NULL AND waas_deposit_id ~ '^[0-9]{1,16}$'))`,
    bindings: { deposit_start_after: startAfter ?? null },
  }
}
