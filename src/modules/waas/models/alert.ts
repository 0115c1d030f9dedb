import { model } from "@medusajs/framework/utils"
import { ALERT_STATUSES } from "../alerts/alert-states"

/**
 * An operator alert (alerts/README.md): raised once while its condition holds, resolved when it clears.
 * `key` names the condition and its subject (`pool_low:USDTERC20`, `withdrawal_stuck:wdr_…`); at most one
 * open alert per key, enforced by a partial unique index, so instances evaluating at once raise it once.
 */
const Alert = model
  .define(
    { name: "Alert", tableName: "waas_alert" },
    {
      id: model.id({ prefix: "walrt" }).primaryKey(),
      key: model.text(),
      condition: model.text(),
      subject: model.text().nullable(),
      status: model.enum([...ALERT_STATUSES]).default("open"),
      /** the figures that made it hold, as last seen (counts, thresholds, ids) */
      figures: model.json(),
      message: model.text(),
      raised_at: model.dateTime(),
      last_seen_at: model.dateTime(),
      resolved_at: model.dateTime().nullable(),
    },
  )
  .indexes([
    { name: "IDX_waas_alert_open_key_unique", on: ["key"], unique: true, where: "status = 'open'" },
    { name: "IDX_waas_alert_status_raised", on: ["status", "raised_at"] },
  ])

export default Alert
