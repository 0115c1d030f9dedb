import { model } from "@medusajs/framework/utils"

/**
 * The ledger: one credit entry per WaaS deposit applied to a crypto payment, and at most one reversing entry
 * for it when the WaaS later takes that deposit back. The unique index on (waas_deposit_id, entry) is what makes
 * both exactly-once: each is an INSERT … ON CONFLICT DO NOTHING, so a second attempt (a repeated callback, the
 * poller, a race) inserts nothing, whatever it read before. A payment's amount_received is always the sum of
 * its credit entries less its reversing entries, never a counter bumped in place. Rows are never updated or
 * deleted: a reversal is a new row, the credit it reverses stays as it was.
 */
const DepositCredit = model
  .define(
    { name: "DepositCredit", tableName: "waas_deposit_credit" },
    {
      id: model.id({ prefix: "wdcr" }).primaryKey(),
      waas_deposit_id: model.text(),
      deposit_id: model.text(),
      crypto_payment_id: model.text(),
      /** credit: money in; reversal: the same amount taken back out (amount is positive in both) */
      entry: model.enum(["credit", "reversal"]).default("credit"),
      /** for a reversal, the credit entry it takes back */
      reverses_id: model.text().nullable(),
      symbol: model.text(),
      /** canonical decimal string, whole coin units */
      amount: model.text(),
      /** credited although it arrived after the quote expired (policy "accept", or an admin's attach) */
      late: model.boolean().default(false),
      source: model.text(),
      /** the admin user who attached it, for admin credits */
      credited_by: model.text().nullable(),
    },
  )
  .indexes([
    { name: "IDX_waas_deposit_credit_waas_id_entry_unique", on: ["waas_deposit_id", "entry"], unique: true },
    { name: "IDX_waas_deposit_credit_payment", on: ["crypto_payment_id"] },
  ])

export default DepositCredit
