import { model } from "@medusajs/framework/utils"

/**
 * A callback the plugin refused (it did not decrypt, did not validate, came for another app_id, …): what and
 * why, for the admin's Health tab, never the ciphertext, the payload or a key. The WaaS retries a refused
 * notification; a forger's attempts land here too, which is the point of counting them.
 */
const CallbackRefusal = model
  .define(
    { name: "CallbackRefusal", tableName: "waas_callback_refusal" },
    {
      id: model.id({ prefix: "wcbrf" }).primaryKey(),
      /** the route that refused it: "notify" or "withdraw-confirm" */
      route: model.text(),
      /** the refusal's kind (read-notification.ts's reasons), e.g. "decrypt_failed" */
      reason: model.text(),
      http_status: model.number(),
      body_bytes: model.number().default(0),
    },
  )
  .indexes([{ name: "IDX_waas_callback_refusal_created_at", on: ["created_at"] }])

export default CallbackRefusal
