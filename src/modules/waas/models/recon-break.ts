import { model } from "@medusajs/framework/utils"
import { BREAK_KINDS, BREAK_STATUSES, BREAK_TYPES } from "../reconciliation/recon-states"

/**
 * One difference a run found, with both sides' values (reconciliation/). `match_key` names what it is about (a
 * WaaS id, or a crypto payment), so a run reports each break once (unique per run, type and kind). Its status
 * moves by recon-states.ts; the note and the actor say who decided what, and when.
 */
const ReconBreak = model
  .define(
    { name: "ReconBreak", tableName: "waas_recon_break" },
    {
      id: model.id({ prefix: "wrbrk" }).primaryKey(),
      run_id: model.text(),
      day: model.text(),
      type: model.enum([...BREAK_TYPES]),
      kind: model.enum([...BREAK_KINDS]),
      match_key: model.text(),
      symbol: model.text().nullable(),
      waas_id: model.text().nullable(),
      ledger_id: model.text().nullable(),
      order_id: model.text().nullable(),
      waas_value: model.json().nullable(),
      ledger_value: model.json().nullable(),
      medusa_value: model.json().nullable(),
      status: model.enum([...BREAK_STATUSES]).default("open"),
      healed_action: model.text().nullable(),
      note: model.text().nullable(),
      actor: model.text().nullable(),
      acted_at: model.dateTime().nullable(),
      /** the break of the previous run of the day whose decision (acknowledged, resolved) this one carries on */
      carried_from: model.text().nullable(),
    },
  )
  .indexes([
    { name: "IDX_waas_recon_break_run_type_kind_key_unique", on: ["run_id", "type", "kind", "match_key"], unique: true },
    { name: "IDX_waas_recon_break_run_status", on: ["run_id", "status"] },
  ])

export default ReconBreak
