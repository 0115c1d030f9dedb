import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { CREDIT_TABLE } from "./ledger-sql"
import { newEntityId } from "../entity-id"

/**
 * The reversing side of the ledger. A reversal never edits or deletes the credit it reverses: it is a second
 * row for the same WaaS deposit id (entry "reversal", the same positive amount), and the unique index on
 * (waas_deposit_id, entry) makes it exactly-once like the credit itself.
 */
export interface CreditEntry {
  id: string
  crypto_payment_id: string
  amount: string
  symbol: string
}

/** The credit entry of a WaaS deposit, if it was ever credited. */
export async function readCreditEntry(trx: Knex.Transaction, waasDepositId: string): Promise<CreditEntry | null> {
  const result = await trx.raw<{ rows: CreditEntry[] }>(
    `SELECT id, crypto_payment_id, amount, symbol FROM ${CREDIT_TABLE}
      WHERE waas_deposit_id = ? AND entry = 'credit' AND deleted_at IS NULL`,
    [waasDepositId],
  )
  return result.rows[0] ?? null
}

/** Appends the reversing entry of `credit`; false when it had been reversed before. */
export async function insertReversal(
  trx: Knex.Transaction,
  args: { waas_deposit_id: string; deposit_id: string; credit: CreditEntry; source: string; now: Date },
): Promise<boolean> {
  const result = await trx.raw<{ rowCount: number }>(
    `INSERT INTO ${CREDIT_TABLE}
       (id, waas_deposit_id, deposit_id, crypto_payment_id, entry, reverses_id, symbol, amount, late, source,
        credited_by, created_at, updated_at)
     VALUES (:id, :waas_deposit_id, :deposit_id, :crypto_payment_id, 'reversal', :reverses_id, :symbol, :amount, false,
        :source, NULL, :now, :now)
     ON CONFLICT (waas_deposit_id, entry) WHERE deleted_at IS NULL DO NOTHING`,
    {
      id: newEntityId("wdcr"),
      waas_deposit_id: args.waas_deposit_id,
      deposit_id: args.deposit_id,
      crypto_payment_id: args.credit.crypto_payment_id,
      reverses_id: args.credit.id,
      symbol: args.credit.symbol,
      amount: args.credit.amount,
      source: args.source,
      now: args.now,
    },
  )
  return result.rowCount === 1
}
