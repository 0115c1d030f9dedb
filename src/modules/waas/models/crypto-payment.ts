import { model } from "@medusajs/framework/utils"
import { CRYPTO_PAYMENT_STATUSES } from "../checkout/payment-states"

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
      /**
       * the Medusa payment collection of the session (the cart's), read from Medusa's own payment_session
       * row, never from storefront data: a session re-created for the same cart takes this one's address
       * over instead of a new one (checkout/cart-address.ts)
       */
      payment_collection_id: model.text().nullable(),
      /**
       * the payment of the same cart that took this payment's address over: from then on deposits to the
       * address belong to that payment (deposits/ledger-sql.ts findAddressHolder), not to this canceled one
       */
      address_handed_over_to: model.text().nullable(),
      /**
       * true on the payment a cart's first session inserts (the cart had none). A unique index allows one per
       * cart, so two first sessions of one cart at once cannot both take a pool address without the cart's lock:
       * the second one's insert fails and it goes the takeover path (checkout/claim-payment-sql.ts)
       */
      cart_first: model.boolean().default(false),
      order_id: model.text().nullable(),
      symbol: model.text(),
      network: model.text(),
      address: model.text(),
      /**
       * when this payment took `address` (checkout, or a re-quote that swapped it): a deposit belongs to
       * the payment that held its address at the deposit's creation time (deposits/ledger-sql.ts)
       */
      address_assigned_at: model.dateTime().nullable(),
      /**
       * when `address` became free before this payment took it: the end of the previous holder's quarantine (or
       * its release straight to the pool); null for an address nobody held before. The clock grace of deposit
       * matching never reaches back past it (deposits/address-holder-sql.ts)
       */
      address_free_since: model.dateTime().nullable(),
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
      /** the sum of this payment's ledger credits (waas_deposit_credit), re-derived on every application */
      amount_received: model.text().default("0"),
      /** matched deposits the WaaS has not finished (status 0, 4, 5, 6) */
      amount_pending: model.text().default("0"),
      /** received beyond amount_due: owed back to the shopper */
      amount_excess: model.text().default("0"),
      /** when Medusa's payment for the session was captured after this payment settled (null: not yet) */
      medusa_captured_at: model.dateTime().nullable(),
      /**
       * A random secret the provider puts into the payment session's data (never into the public view).
       * Medusa hands the provider storefront-written data on some calls, and a storefront can write any
       * session id there: a call that names this session must carry this too (checkout/session-binding.ts).
       * Null on payments made before it existed: those are never acted on from data alone.
       */
      session_binding: model.text().nullable(),
    },
  )
  .indexes([
    { name: "IDX_waas_crypto_payment_session_unique", on: ["payment_session_id"], unique: true },
    { name: "IDX_waas_crypto_payment_order_id", on: ["order_id"], where: "order_id IS NOT NULL" },
    {
      name: "IDX_waas_crypto_payment_collection",
      on: ["payment_collection_id"],
      where: "payment_collection_id IS NOT NULL",
    },
    { name: "IDX_waas_crypto_payment_cart_first", on: ["payment_collection_id"], unique: true, where: "cart_first = true" },
    { name: "IDX_waas_crypto_payment_status_expires", on: ["status", "expires_at"] },
    { name: "IDX_waas_crypto_payment_symbol_address", on: ["symbol", "address"] },
    { name: "IDX_waas_crypto_payment_address_assigned", on: ["address", "address_assigned_at"] },
    {
      name: "IDX_waas_crypto_payment_settled_not_captured",
      on: ["status"],
      where: "status IN ('paid', 'overpaid') AND medusa_captured_at IS NULL",
    },
  ])

export default CryptoPayment
