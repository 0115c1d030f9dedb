import { model } from "@medusajs/framework/utils"
import { FEE_BEARERS, RATE_BASES, WITHDRAWAL_SOURCES, WITHDRAWAL_STATUSES } from "../withdrawals/withdrawal-states"

/**
 * One refund, paid as a WaaS withdrawal (withdrawals/). `request_id` is ours: generated and stored with the
 * row, before any WaaS call, and never regenerated (the WaaS's idempotency key, what withdrawList and the
 * second confirmation name). Crypto amounts are canonical decimal strings in whole coin units:
 *   refund_amount   what counts against the payment's (or deposit's) refundable amount
 *   amount          what is sent to the WaaS as `amount` (it includes the service fee, protocol §2.8)
 *   receive_amount  what the shopper receives (null when the service fee is not known)
 * The fees are stored as the WaaS reports them. The status moves only through withdrawal-states.ts; the
 * module registers no generated CRUD for this table, so nothing else can write it.
 */
const Withdrawal = model
  .define(
    { name: "Withdrawal", tableName: "waas_withdrawal" },
    {
      id: model.id({ prefix: "wwdr" }).primaryKey(),
      request_id: model.text(),
      source: model.enum([...WITHDRAWAL_SOURCES]),
      crypto_payment_id: model.text().nullable(),
      deposit_id: model.text().nullable(),
      order_id: model.text().nullable(),
      payment_session_id: model.text().nullable(),
      symbol: model.text(),
      network: model.text(),
      decimals: model.number(),
      /** null until an admin or the shopper gives it (a request opened by an order cancellation) */
      to_address: model.text().nullable(),
      memo: model.text().nullable(),
      address_given_by: model.text().nullable(),
      /** sha256 of the one-time token a shopper's refund-address link carries, and its expiry */
      address_token_hash: model.text().nullable(),
      address_token_expires_at: model.dateTime().nullable(),
      refund_amount: model.text(),
      amount: model.text(),
      receive_amount: model.text().nullable(),
      fee_bearer: model.enum([...FEE_BEARERS]),
      /** the service fee the request assumed (plugin option or coin data), null when unknown */
      expected_service_fee: model.text().nullable(),
      fiat_amount: model.text().nullable(),
      currency_code: model.text().nullable(),
      rate: model.text().nullable(),
      rate_basis: model.enum([...RATE_BASES]),
      rate_source: model.text().nullable(),
      rate_at: model.dateTime().nullable(),
      from_uid: model.text(),
      reason: model.text(),
      requested_by: model.text().nullable(),
      approvals_required: model.number(),
      /** distinct admin user ids, in approval order */
      approved_by: model.json().default({ ids: [] }),
      rejected_by: model.text().nullable(),
      rejection_reason: model.text().nullable(),
      status: model.enum([...WITHDRAWAL_STATUSES]).default("requested"),
      waas_withdrawal_id: model.text().nullable(),
      withdraw_type: model.number().nullable(),
      waas_status: model.number().nullable(),
      txid: model.text().nullable(),
      confirmations: model.number().nullable(),
      withdraw_fee: model.text().nullable(),
      withdraw_fee_symbol: model.text().nullable(),
      real_fee: model.text().nullable(),
      fee_symbol: model.text().nullable(),
      failure_code: model.text().nullable(),
      failure_reason: model.text().nullable(),
      submitted_at: model.dateTime().nullable(),
      completed_at: model.dateTime().nullable(),
      /** the Medusa Refund id the provider's refundPayment claimed this withdrawal for */
      medusa_refund_id: model.text().nullable(),
      medusa_refund_claimed_at: model.dateTime().nullable(),
      /** when Medusa's refund of this withdrawal was confirmed recorded (null: not yet, or not a payment refund) */
      medusa_refunded_at: model.dateTime().nullable(),
    },
  )
  .indexes([
    { name: "IDX_waas_withdrawal_request_id_unique", on: ["request_id"], unique: true },
    { name: "IDX_waas_withdrawal_waas_id_unique", on: ["waas_withdrawal_id"], unique: true, where: "waas_withdrawal_id IS NOT NULL" },
    { name: "IDX_waas_withdrawal_payment", on: ["crypto_payment_id"], where: "crypto_payment_id IS NOT NULL" },
    { name: "IDX_waas_withdrawal_deposit", on: ["deposit_id"], where: "deposit_id IS NOT NULL" },
    { name: "IDX_waas_withdrawal_order", on: ["order_id"], where: "order_id IS NOT NULL" },
    { name: "IDX_waas_withdrawal_status", on: ["status", "updated_at"] },
    { name: "IDX_waas_withdrawal_address_token", on: ["address_token_hash"], unique: true, where: "address_token_hash IS NOT NULL" },
    {
      name: "IDX_waas_withdrawal_refund_due",
      on: ["status"],
      where: "status = 'completed' AND source = 'payment' AND medusa_refunded_at IS NULL",
    },
  ])
  .checks([
    {
      name: "chk_waas_withdrawal_source_ref",
      expression: (c) =>
        `(${c.source} = 'deposit' AND ${c.deposit_id} IS NOT NULL) OR (${c.source} <> 'deposit' AND ${c.crypto_payment_id} IS NOT NULL)`,
    },
    {
      name: "chk_waas_withdrawal_submitted_has_address",
      expression: (c) => `${c.status} IN ('requested', 'rejected', 'canceled') OR ${c.to_address} IS NOT NULL`,
    },
  ])

export default Withdrawal
