import { model } from "@medusajs/framework/utils"

/**
 * Where a WaaS sync endpoint was last read up to (protocol §2.10, §2.12, §2.13: rows with id > max_id).
 * max_id is text: WaaS record ids are integers of unspecified width (protocol §4.3).
 */
const SyncCursor = model
  .define(
    { name: "SyncCursor", tableName: "waas_sync_cursor" },
    {
      id: model.id({ prefix: "wcur" }).primaryKey(),
      name: model.text(),
      max_id: model.text().default("0"),
    },
  )
  .indexes([{ name: "IDX_waas_sync_cursor_name_unique", on: ["name"], unique: true }])

export default SyncCursor
