import { model } from "@medusajs/framework/utils"
import { CRYPTO_PAYMENT_STATUSES } from "../state-machines"

/**
 * What a shopper owes in crypto for one Medusa payment session, and where to send it.
 * Crypto amounts are exact decimal strings in whole coin units (never floats); the fiat side stays a
 * Medusa bigNumber. The quote (rate, its source and time) is stored so every figure can be explained later.
 */
const CryptoPayment = model
  .define(
    { name: "CryptoPayment", tableName: "waas_crypto_payment" },
    {
      id: model.id({ prefix: "wcpay" }).primaryKey(),
      payment_session_id: model.text(),
      order_id: model.text().nullable(),
      symbol: model.text(),
      network: model.text(),
      address: model.text(),
      memo: model.text().nullable(),
      pool_address_id: model.text(),
      fiat_amount: model.bigNumber(),
      currency_code: model.text(),
      /** fiat / rate, rounded UP to `decimals` (in the merchant's favour) */
      amount_due: model.text(),
      /** price of one coin in currency_code */
      rate: model.text(),
      rate_source: model.text(),
      rate_at: model.dateTime(),
      decimals: model.number(),
      expires_at: model.dateTime(),
      /** expires_at + monitoringWindowSeconds: until then the address stays with this payment */
      monitor_until: model.dateTime(),
      status: model.enum([...CRYPTO_PAYMENT_STATUSES]).default("awaiting_payment"),
      amount_received: model.text().default("0"),
      amount_pending: model.text().default("0"),
    },
  )
  .indexes([
    { name: "IDX_waas_crypto_payment_session_unique", on: ["payment_session_id"], unique: true },
    { name: "IDX_waas_crypto_payment_order_id", on: ["order_id"], where: "order_id IS NOT NULL" },
    { name: "IDX_waas_crypto_payment_status_expires", on: ["status", "expires_at"] },
    { name: "IDX_waas_crypto_payment_symbol_address", on: ["symbol", "address"] },
  ])

export default CryptoPayment
