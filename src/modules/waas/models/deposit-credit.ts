import { model } from "@medusajs/framework/utils"

/**
 * The ledger: one row per WaaS deposit applied to a crypto payment. The unique index on waas_deposit_id
 * is what makes crediting exactly-once: the credit is an INSERT … ON CONFLICT DO NOTHING, so a second
 * attempt (a repeated callback, the poller, a race) inserts nothing, whatever it read before. A payment's
 * amount_received is always the sum of its rows here, never a counter bumped in place. Rows are never
 * updated or deleted.
 */
const DepositCredit = model
  .define(
    { name: "DepositCredit", tableName: "waas_deposit_credit" },
    {
      id: model.id({ prefix: "wdcr" }).primaryKey(),
      waas_deposit_id: model.text(),
      deposit_id: model.text(),
      crypto_payment_id: model.text(),
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
    { name: "IDX_waas_deposit_credit_waas_id_unique", on: ["waas_deposit_id"], unique: true },
    { name: "IDX_waas_deposit_credit_payment", on: ["crypto_payment_id"] },
  ])

export default DepositCredit
