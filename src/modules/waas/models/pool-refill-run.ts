import { model } from "@medusajs/framework/utils"

/**
 * One run of the address-pool refill (the job's or an admin's "Refill now") and what it did: per coin the
 * count before and after, what it added and the WaaS errors it met, or why it was skipped. The Health and
 * Address pool screens show the last one; nothing reads it to decide anything.
 */
const PoolRefillRun = model
  .define(
    { name: "PoolRefillRun", tableName: "waas_pool_refill_run" },
    {
      id: model.id({ prefix: "wprr" }).primaryKey(),
      trigger: model.enum(["job", "admin"]),
      /** the admin who asked for it (trigger "admin") */
      actor: model.text().nullable(),
      /** why nothing was done (another run held the lock, shutdown) */
      skipped: model.text().nullable(),
      /** true when any coin met a WaaS error */
      failed: model.boolean().default(false),
      /** the refill report: { coins: [{ symbol, before, after, added, errors }], users: { count, cap } } */
      report: model.json(),
    },
  )
  .indexes([{ name: "IDX_waas_pool_refill_run_created_at", on: ["created_at"] }])

export default PoolRefillRun
