import { model } from "@medusajs/framework/utils"

/**
 * Every notification the WaaS delivered that decrypted and validated, one row per (side, WaaS record id).
 * The notify route writes it BEFORE answering SUCCESS, so an acknowledged callback can never be lost; a
 * repeat bumps received_count and keeps the last payload and status, it never adds a row. Processing comes
 * after the acknowledgement: a row is pending while processed_count < received_count, so a repeat that
 * lands during processing is processed again, and a crash leaves the row pending for the poller.
 * The payload is not a secret (anyone with the WaaS public key can read it) and is kept for the audit trail.
 */
const CallbackInbox = model
  .define(
    { name: "CallbackInbox", tableName: "waas_callback_inbox" },
    {
      id: model.id({ prefix: "wcbin" }).primaryKey(),
      side: model.enum(["deposit", "withdraw"]),
      /** the WaaS deposit or withdrawal id (text: WaaS ids are integers of unspecified width) */
      waas_id: model.text(),
      /** the status the last delivery claimed: a hint, never acted on without pulling the record */
      last_status: model.number(),
      last_payload: model.json(),
      received_count: model.number().default(1),
      first_received_at: model.dateTime(),
      last_received_at: model.dateTime(),
      /** received_count as of the last successful processing */
      processed_count: model.number().default(0),
      processed_at: model.dateTime().nullable(),
      /** a processor's lease: others skip the row until then (a crashed processor's lease simply runs out) */
      processing_until: model.dateTime().nullable(),
      attempts: model.number().default(0),
      /** processing runs that failed in a row since the last success (reset by a success) */
      failures: model.number().default(0),
      /** the poller's sweep leaves a failing row alone until then (backoff, callbacks/retry-schedule.ts) */
      next_attempt_at: model.dateTime().nullable(),
      last_outcome: model.text().nullable(),
      last_error: model.text().nullable(),
    },
  )
  .indexes([
    { name: "IDX_waas_callback_inbox_side_waas_id_unique", on: ["side", "waas_id"], unique: true },
    { name: "IDX_waas_callback_inbox_pending", on: ["side", "last_received_at"], where: "processed_count < received_count" },
  ])

export default CallbackInbox
