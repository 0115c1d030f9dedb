import { model } from "@medusajs/framework/utils"
import { RUN_STATUSES, RUN_TRIGGERS } from "../reconciliation/recon-states"

/**
 * One attempt at reconciling one business day (reconciliation/). The window is [window_start, window_end) in
 * UTC: the day's midnight to the next in time_zone. Never edited once finished (recon-states.ts; a trigger
 * refuses it); a rerun is a new row, attempt + 1, and the latest attempt stands for its day.
 */
const ReconRun = model
  .define(
    { name: "ReconRun", tableName: "waas_recon_run" },
    {
      id: model.id({ prefix: "wrrun" }).primaryKey(),
      day: model.text(),
      attempt: model.number(),
      time_zone: model.text(),
      window_start: model.dateTime(),
      window_end: model.dateTime(),
      status: model.enum([...RUN_STATUSES]).default("running"),
      trigger: model.enum([...RUN_TRIGGERS]),
      requested_by: model.text().nullable(),
      started_at: model.dateTime(),
      finished_at: model.dateTime().nullable(),
      failure_reason: model.text().nullable(),
      /** per kind and coin, the three sides' counts and sums (README) */
      totals: model.json().nullable(),
      fees: model.json().nullable(),
      break_counts: model.json().nullable(),
      progress: model.json(),
      unreadable_records: model.number().default(0),
    },
  )
  .indexes([
    { name: "IDX_waas_recon_run_day_attempt_unique", on: ["day", "attempt"], unique: true },
    { name: "IDX_waas_recon_run_status", on: ["status"] },
  ])

export default ReconRun
