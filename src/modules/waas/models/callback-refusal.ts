import { model } from "@medusajs/framework/utils"

/**
 * A notification the notify route refused (not authentic, malformed, for another merchant): what and when,
 * never its payload. The alert "callbacks refused" counts these by reason; the evaluation job prunes old rows.
 */
const CallbackRefusal = model
  .define(
    { name: "CallbackRefusal", tableName: "waas_callback_refusal" },
    {
      id: model.id({ prefix: "wcref" }).primaryKey(),
      reason: model.text(),
      refused_at: model.dateTime(),
    },
  )
  .indexes([{ name: "IDX_waas_callback_refusal_refused_at", on: ["refused_at"] }])

export default CallbackRefusal
