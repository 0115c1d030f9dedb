import { model } from "@medusajs/framework/utils"
import { DEPOSIT_STATUSES, DEPOSIT_TIMINGS, ORPHAN_REASONS } from "../deposits/deposit-states"

/**
 * One WaaS deposit as the plugin knows it: the WaaS's facts as last PULLED (depositList / syncDepositList,
 * never a callback body), which payment held the address when it was created, and what became of it
 * (deposit-states.ts). One row per WaaS deposit id. The money itself is in waas_deposit_credit.
 */
const Deposit = model
  .define(
    { name: "Deposit", tableName: "waas_deposit" },
    {
      id: model.id({ prefix: "wdep" }).primaryKey(),
      waas_deposit_id: model.text(),
      symbol: model.text(),
      address_to: model.text(),
      /** canonical decimal string, whole coin units, exactly as the WaaS reported it */
      amount: model.text(),
      txid: model.text().default(""),
      confirmations: model.number().default(0),
      waas_status: model.number(),
      waas_created_at: model.dateTime(),
      waas_updated_at: model.dateTime(),
      status: model.enum([...DEPOSIT_STATUSES]).default("pending"),
      /** the payment that held address_to at waas_created_at, when there was one (also for most orphans) */
      crypto_payment_id: model.text().nullable(),
      timing: model.enum([...DEPOSIT_TIMINGS]).nullable(),
      orphan_reason: model.enum([...ORPHAN_REASONS]).nullable(),
      /**
       * why the deposit is in the review queue in words (needs_review: what could not be applied; reversed: what
       * the WaaS reports now). A parked record keeps what could be read of it: its other columns may then hold
       * the WaaS's text as received (an amount with a decimal comma, say), never a value made up for it
       */
      review_reason: model.text().nullable(),
      /** what an admin decided: attached or mark_for_refund (held, orphaned, needs_review), acknowledged (reversed) */
      resolution: model.enum(["attached", "mark_for_refund", "acknowledged"]).nullable(),
      resolved_by: model.text().nullable(),
      resolved_at: model.dateTime().nullable(),
      resolution_note: model.text().nullable(),
      /** where the last application came from: callback, poll or admin */
      last_source: model.text(),
    },
  )
  .indexes([
    { name: "IDX_waas_deposit_waas_id_unique", on: ["waas_deposit_id"], unique: true },
    { name: "IDX_waas_deposit_status", on: ["status"] },
    { name: "IDX_waas_deposit_payment", on: ["crypto_payment_id"], where: "crypto_payment_id IS NOT NULL" },
  ])

export default Deposit
