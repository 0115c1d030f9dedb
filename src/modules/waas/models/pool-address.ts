import { model } from "@medusajs/framework/utils"
import { POOL_ADDRESS_STATUSES } from "../pool/address-states"
import WaasAccount from "./waas-account"

/**
 * A deposit address fetched ahead of time. Checkout claims an `available` one with a row lock; the
 * partial unique index on crypto_payment_id over assigned rows makes "one payment holds at most one
 * address" a database fact. crypto_payment_id is a plain column, not a relation: the payment row also points back here, and a
 * pair of foreign keys would force an insert order the claim cannot follow inside one statement.
 */
const PoolAddress = model
  .define(
    { name: "PoolAddress", tableName: "waas_pool_address" },
    {
      id: model.id({ prefix: "wpaddr" }).primaryKey(),
      symbol: model.text(),
      address: model.text(),
      memo: model.text().nullable(),
      uid: model.text(),
      account: model.belongsTo(() => WaasAccount, { mappedBy: "pool_addresses" }),
      status: model.enum([...POOL_ADDRESS_STATUSES]).default("available"),
      /** the payment holding it (assigned) or that held it last (cooling, retired); null when available */
      crypto_payment_id: model.text().nullable(),
      assigned_at: model.dateTime().nullable(),
      released_at: model.dateTime().nullable(),
      /**
       * cooling: when its quarantine ends. Kept once the address is available again (the end of its last
       * quarantine, which the next claim records as the payment's address_free_since); cleared by a claim
       */
      cooling_until: model.dateTime().nullable(),
      /**
       * an address fetched live at checkout is kept for the payment session that fetched it until
       * reserved_until: ordinary claims skip it, so a concurrent checkout cannot take it from its fetcher;
       * once the time has passed (that checkout crashed or gave up) it is an ordinary available address
       */
      reserved_for: model.text().nullable(),
      reserved_until: model.dateTime().nullable(),
    },
  )
  .indexes([
    { name: "IDX_waas_pool_address_symbol_address_unique", on: ["symbol", "address"], unique: true },
    // each account is dedicated to one symbol and yields exactly one address: a repeated insert is a no-op
    { name: "IDX_waas_pool_address_account_unique", on: ["account_id"], unique: true },
    // one payment HOLDS at most one address; cooling and retired rows keep the id as history
    {
      name: "IDX_waas_pool_address_payment_unique",
      on: ["crypto_payment_id"],
      unique: true,
      where: "status = 'assigned'",
    },
    { name: "IDX_waas_pool_address_symbol_status", on: ["symbol", "status"] },
    { name: "IDX_waas_pool_address_cooling_until", on: ["cooling_until"], where: "status = 'cooling'" },
    // the claim's order over available rows (pool/pick-address-sql.ts): a claim reads the first unlocked entry
    // instead of sorting the pool, so its cost stays flat as cooled addresses return
    {
      name: "IDX_waas_pool_address_claim_order",
      on: ["symbol", "released_at", "created_at", "id"],
      where: "status = 'available'",
    },
    // an address fetched live at checkout, found by the session it is reserved for
    { name: "IDX_waas_pool_address_reserved_for", on: ["reserved_for"], where: "reserved_for IS NOT NULL" },
  ])
  // the holder column and the status can never disagree, whatever code writes the row
  .checks([
    {
      name: "chk_waas_pool_address_assigned_has_payment",
      expression: (c) => `${c.status} <> 'assigned' OR ${c.crypto_payment_id} IS NOT NULL`,
    },
    {
      name: "chk_waas_pool_address_available_is_free",
      expression: (c) => `${c.status} <> 'available' OR ${c.crypto_payment_id} IS NULL`,
    },
    {
      name: "chk_waas_pool_address_cooling_has_end",
      expression: (c) => `${c.status} <> 'cooling' OR ${c.cooling_until} IS NOT NULL`,
    },
  ])

export default PoolAddress
