import { model } from "@medusajs/framework/utils"

/**
 * One live address fetch at checkout (the pool was empty, so a WaaS user was registered on the spot).
 * Each row is written, counted and pruned under one advisory lock before the WaaS is called
 * (pool/live-fetch-budget.ts): the budget per minute is shared by every instance on this database.
 */
const LiveAddressFetch = model
  .define(
    { name: "LiveAddressFetch", tableName: "waas_live_address_fetch" },
    {
      id: model.id({ prefix: "wlive" }).primaryKey(),
      symbol: model.text(),
      payment_session_id: model.text(),
      fetched_at: model.dateTime(),
    },
  )
  .indexes([{ name: "IDX_waas_live_address_fetch_fetched_at", on: ["fetched_at"] }])

export default LiveAddressFetch
