import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { DEPOSIT_TABLE } from "./ledger-sql"

/** The review queue's own writes: a reason on a row whose status does not change. */

/** Notes why a deposit needed a look without moving it (a credited or final deposit whose record now fails). */
export async function noteReviewReason(trx: Knex.Transaction, args: { id: string; reason: string; now: Date }): Promise<void> {
  await trx.raw(`UPDATE ${DEPOSIT_TABLE} SET review_reason = :reason, updated_at = :now WHERE id = :id AND deleted_at IS NULL`, {
    ...args,
  })
}
