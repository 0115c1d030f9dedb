import type { ModuleJoinerConfig } from "@medusajs/framework/types"
import { defineJoinerConfig } from "@medusajs/framework/utils"
import CallbackInbox from "./models/callback-inbox"
import CallbackRefusal from "./models/callback-refusal"
import CryptoPayment from "./models/crypto-payment"
import Deposit from "./models/deposit"
import DepositCredit from "./models/deposit-credit"
import PoolAddress from "./models/pool-address"
import PoolRefillRun from "./models/pool-refill-run"
import SyncCursor from "./models/sync-cursor"
import WaasAccount from "./models/waas-account"

export const WAAS_MODULE_NAME = "waas"

/** the models behind the module's generated CRUD (MedusaService) and its joiner config */
export const WAAS_SERVICE_MODELS = {
  WaasAccount,
  PoolAddress,
  CryptoPayment,
  SyncCursor,
  CallbackInbox,
  Deposit,
  DepositCredit,
  CallbackRefusal,
  PoolRefillRun,
}

let joinerConfig: ModuleJoinerConfig | undefined

/**
 * The module's joiner config, built once, as Medusa's core modules declare theirs (joiner-config.ts beside
 * the service). Without one, `Module()` installs a function that runs defineJoinerConfig (a parse of every
 * DML model and a GraphQL schema) on EVERY call, and MedusaService calls it on every ORM mutation to name
 * its events: 2.5–4.5 ms per write. Same content as that default: the same models, so the same linkable
 * keys, aliases and schema; `Module()` adds idPrefixToEntityName to this object once.
 */
export function waasJoinerConfig(): ModuleJoinerConfig {
  joinerConfig ??= defineJoinerConfig(WAAS_MODULE_NAME, { models: Object.values(WAAS_SERVICE_MODELS) })
  return joinerConfig
}
