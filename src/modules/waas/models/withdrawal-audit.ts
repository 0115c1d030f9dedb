import { model } from "@medusajs/framework/utils"
import { AUDIT_SOURCES } from "../withdrawals/withdrawal-states"

/**
 * The append-only audit trail of withdrawals: every request, approval, rejection, submission, every
 * second-confirmation request and the answer given, every status change and where it came from, with the
 * actor and the time. Written only by withdrawals/audit-sql.ts, which only inserts; no generated CRUD is
 * registered for it. withdrawal_id is null for a confirmation request naming a request_id we never issued.
 */
const WithdrawalAudit = model
  .define(
    { name: "WithdrawalAudit", tableName: "waas_withdrawal_audit" },
    {
      id: model.id({ prefix: "wwda" }).primaryKey(),
      withdrawal_id: model.text().nullable(),
      request_id: model.text().nullable(),
      action: model.text(),
      source: model.enum([...AUDIT_SOURCES]),
      actor: model.text().nullable(),
      from_status: model.text().nullable(),
      to_status: model.text().nullable(),
      detail: model.json().nullable(),
    },
  )
  .indexes([
    { name: "IDX_waas_withdrawal_audit_withdrawal", on: ["withdrawal_id", "created_at"] },
    { name: "IDX_waas_withdrawal_audit_request_id", on: ["request_id"] },
  ])

export default WithdrawalAudit
