import { model } from "@medusajs/framework/utils"
import { WAAS_ACCOUNT_STATUSES } from "../pool/address-states"
import PoolAddress from "./pool-address"

/**
 * One WaaS user, registered under a synthetic email. Each account serves exactly ONE pool symbol: at the
 * WaaS a token shares its main chain's address (USDTERC20 and ETH get the same address for one uid), so
 * an account used for two symbols could hand one address string to two live payments.
 */
const WaasAccount = model
  .define(
    { name: "WaasAccount", tableName: "waas_account" },
    {
      id: model.id({ prefix: "wacct" }).primaryKey(),
      email: model.text(),
      /** the pool symbol this account's address serves */
      symbol: model.text(),
      /** the WaaS uid (an integer there; kept as text so no size assumption leaks in); null until registered */
      uid: model.text().nullable(),
      status: model.enum([...WAAS_ACCOUNT_STATUSES]).default("pending_registration"),
      registered_at: model.dateTime().nullable(),
      /** the last WaaS failure while completing this account, for operators; never a secret */
      last_error: model.text().nullable(),
      attempts: model.number().default(0),
      pool_addresses: model.hasMany(() => PoolAddress, { mappedBy: "account" }),
    },
  )
  .indexes([
    { name: "IDX_waas_account_email_unique", on: ["email"], unique: true },
    { name: "IDX_waas_account_uid_unique", on: ["uid"], unique: true, where: "uid IS NOT NULL" },
    { name: "IDX_waas_account_symbol_status", on: ["symbol", "status"] },
  ])

export default WaasAccount
