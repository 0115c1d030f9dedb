import { PaymentSessionStatus } from "@medusajs/framework/utils"
import type { CryptoPaymentStatus } from "../../modules/waas/checkout/payment-states"

/**
 * What Medusa hears when it asks whether a crypto payment is authorized (authorizePayment,
 * getPaymentStatus). Only the module's own record decides; session data never does.
 *
 * - awaiting/underpaid/late_held → pending_authorization: the cart completes, the order waits ("awaiting")
 *   and a deposit later drives processPaymentWorkflow.
 * - reversed → pending_authorization: money the WaaS had confirmed was taken back, so the payment is owed again
 *   like an underpaid one (a Medusa capture made before stays: see the README on reversed deposits).
 * - paid/overpaid → authorized: Medusa records the Payment, and its capture step (processPaymentWorkflow's, which
 *   the deposit path runs, or an admin's Capture) captures it, asking capturePayment, which captures only while the
 *   module still says paid. Not `captured` (auto-capture): Medusa 2.21 then captures twice, once inside
 *   authorizePaymentSession and again in processPaymentWorkflow's capture step, about 20 ms more per deposit
 *   (bench/credit-ceiling), for the same end state.
 * - expired → error: the cart cannot complete on a stale quote; the storefront starts a new payment session
 *   on the same payment collection, which quotes afresh (README, "an expired quote").
 * - canceled → canceled.
 */
export const SESSION_STATUS_BY_PAYMENT_STATUS: Readonly<Record<CryptoPaymentStatus, PaymentSessionStatus>> = {
  awaiting_payment: PaymentSessionStatus.PENDING_AUTHORIZATION,
  underpaid: PaymentSessionStatus.PENDING_AUTHORIZATION,
  late_held: PaymentSessionStatus.PENDING_AUTHORIZATION,
  reversed: PaymentSessionStatus.PENDING_AUTHORIZATION,
  paid: PaymentSessionStatus.AUTHORIZED,
  overpaid: PaymentSessionStatus.AUTHORIZED,
  expired: PaymentSessionStatus.ERROR,
  canceled: PaymentSessionStatus.CANCELED,
}

export function sessionStatusFor(status: CryptoPaymentStatus): PaymentSessionStatus {
  return SESSION_STATUS_BY_PAYMENT_STATUS[status]
}
