import { model } from "@medusajs/framework/utils"

/**
 * Medusa's side of a run, as the run read it through Medusa's payment module (never its tables): for each crypto
 * payment of the day, its Medusa payment (captured or not, the amount) and each refund recorded on it. Written
 * in bulk once per run, then compared in SQL with the ledger (reconciliation/compare-medusa-sql.ts).
 */
const ReconMedusaFact = model
  .define(
    { name: "ReconMedusaFact", tableName: "waas_recon_medusa_fact" },
    {
      id: model.id({ prefix: "wrmf" }).primaryKey(),
      run_id: model.text(),
      fact: model.enum(["payment", "refund"]),
      crypto_payment_id: model.text(),
      medusa_payment_id: model.text().nullable(),
      refund_id: model.text().nullable(),
      /** fiat, main unit, as a decimal string */
      amount: model.text().nullable(),
      currency_code: model.text().nullable(),
      /** a payment: when Medusa captured it; a refund: when Medusa recorded it */
      recorded_at: model.dateTime().nullable(),
    },
  )
  .indexes([{ name: "IDX_waas_recon_medusa_fact_run", on: ["run_id", "crypto_payment_id"] }])

export default ReconMedusaFact
