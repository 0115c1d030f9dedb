import { model } from "@medusajs/framework/utils"
import { MIRROR_KINDS } from "../reconciliation/recon-states"

/**
 * The WaaS's own records as last read (reconciliation/): deposits (syncDepositList / depositList), withdrawals
 * (syncWithdrawList / withdrawList) and collection miner fees (syncMinerFeeList / minerFeeList). One row per
 * (kind, WaaS id); amounts are canonical decimal strings exactly as the WaaS reported them, times the WaaS's
 * (epoch ms on the list endpoints). `final`: the WaaS will not move it any more; rows not final are refreshed by
 * id before a day is compared. A day's WaaS side is the rows whose waas_created_at falls in the day.
 */
const MirrorRecord = model
  .define(
    { name: "MirrorRecord", tableName: "waas_mirror_record" },
    {
      id: model.id({ prefix: "wmir" }).primaryKey(),
      kind: model.enum([...MIRROR_KINDS]),
      waas_id: model.text(),
      /** withdrawals: the merchant's request_id ("" for withdrawals not made through the API) */
      request_id: model.text().nullable(),
      uid: model.text().nullable(),
      symbol: model.text(),
      amount: model.text(),
      status: model.number(),
      /** withdrawals: 1 on chain, 2 internal transfer (whose status 0 is success) */
      withdraw_type: model.number().nullable(),
      address_from: model.text().default(""),
      address_to: model.text().default(""),
      txid: model.text().default(""),
      confirmations: model.number().default(0),
      /** miner fees: the collection fee, in fee_symbol */
      fee: model.text().nullable(),
      /** miner fees: base_symbol, else symbol (protocol §2.13); withdrawals: the currency of real_fee */
      fee_symbol: model.text().nullable(),
      real_fee: model.text().nullable(),
      withdraw_fee: model.text().nullable(),
      withdraw_fee_symbol: model.text().nullable(),
      final: model.boolean(),
      waas_created_at: model.dateTime(),
      waas_updated_at: model.dateTime(),
      fetched_at: model.dateTime(),
    },
  )
  .indexes([
    { name: "IDX_waas_mirror_record_kind_waas_id_unique", on: ["kind", "waas_id"], unique: true },
    { name: "IDX_waas_mirror_record_kind_created", on: ["kind", "waas_created_at"] },
    { name: "IDX_waas_mirror_record_not_final", on: ["kind", "final"], where: "final = false" },
    { name: "IDX_waas_mirror_record_kind_address_from", on: ["kind", "address_from"] },
  ])

export default MirrorRecord
