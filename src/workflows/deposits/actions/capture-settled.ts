import type { ILockingModule, IPaymentModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules, PaymentActions } from "@medusajs/framework/utils"
import { processPaymentWorkflow } from "@medusajs/medusa/core-flows"
import { WAAS_MODULE } from "../../../modules/waas"
import type { CryptoPaymentStatus } from "../../../modules/waas/checkout/payment-states"
import { isSettled } from "../../../modules/waas/deposits/outcome"
import type WaasModuleService from "../../../modules/waas/service"

export type CaptureOutcome = "not_settled" | "already_captured" | "captured"

/** What the ledger application read of the payment, under its row lock: enough to skip the capture without the lock. */
export interface KnownPayment {
  id: string
  status: CryptoPaymentStatus
  medusa_captured: boolean
}

/**
 * Tells Medusa a crypto payment is paid, through Medusa's own processPaymentWorkflow with the action
 * `captured` and the payment session: for an order placed with pending_authorization it authorizes the
 * session (our provider answers `authorized` because the MODULE says paid), which creates the Payment, then
 * captures it in full (the provider's capturePayment checks the module again), records the order transaction,
 * and completes the payment collection; for a cart that has no order yet it completes the cart as well.
 *
 * Driven by the module's state, not by what just happened: it does nothing unless the payment is paid or
 * overpaid and not yet marked captured in Medusa, so re-running it (a retry, the poller's re-drive) is
 * safe, and a failure here leaves the payment marked "not captured" for the next run. Runs for the same
 * payment are serialised with Medusa's locking module: several deposits (or repeats) of one payment
 * would otherwise all see "settled, not captured" and race to create the Medusa payment (Medusa's unique
 * payment per session refuses the loser; processPaymentWorkflow's own lock covers only carts).
 *
 * `known` (issue 11): what the ledger application read of the payment. When it says not settled or already captured,
 * nothing more is done (no lock, no read). Otherwise it may be stale by the time the lock is held (another deposit's
 * capture went first), so the payment is read again under the lock, in one statement (status, the "captured in
 * Medusa" mark, the session and its exact fiat amount), and that decides. Medusa's session is not read before the
 * workflow: it is given our record's amount, the session's own (the provider refuses to change it in place). A capture
 * that went through in Medusa but was not marked (a crash between the two) is run again, which Medusa makes harmless:
 * an already captured Payment gets no new Capture, and the order transaction of a Capture is added once (its
 * reference id), so the mark is set on that run.
 */
export async function captureSettledPayment(
  container: MedusaContainer,
  id: string | null,
  known: KnownPayment | null = null,
): Promise<CaptureOutcome> {
  if (!id) return "not_settled"
  if (known && known.id === id && (!isSettled(known.status) || known.medusa_captured)) {
    return isSettled(known.status) ? "already_captured" : "not_settled"
  }
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  return locking.execute(`waas:capture:${id}`, () => captureIfSettled(container, id), {
    timeout: 60,
  })
}

async function captureIfSettled(container: MedusaContainer, id: string): Promise<CaptureOutcome> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const payment = await waas.readCapturablePayment(id)
  if (!payment) throw new MedusaError(MedusaError.Types.NOT_FOUND, `medusa-plugin-waas: crypto payment ${id} not found`)
  if (!isSettled(payment.status)) return "not_settled"
  if (payment.medusa_captured) return "already_captured"

  await processPaymentWorkflow(container).run({
    // in full: the session's amount, which our record holds exactly (the provider refuses to change it in place)
    input: { action: PaymentActions.SUCCESSFUL, data: { session_id: payment.payment_session_id, amount: payment.fiat_amount } },
  })
  const after = await capturedPaymentOf(container, payment.payment_session_id)
  if (!after?.captured_at) {
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      `crypto payment ${payment.id} is ${payment.status} but Medusa did not capture payment session ${payment.payment_session_id} ` +
        `(${after ? `payment ${after.id} not captured` : "no payment"}); will retry`,
    )
  }
  await waas.markMedusaCaptured(payment.id)
  container
    .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
    .info(`medusa-plugin-waas: crypto payment ${payment.id} is ${payment.status}; Medusa payment ${after.id} captured`)
  return "captured"
}

/** the session's Medusa payment and its capture time, nothing else (no session, no relations) */
async function capturedPaymentOf(container: MedusaContainer, sessionId: string): Promise<{ id: string; captured_at?: unknown } | undefined> {
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const [payment] = await payments.listPayments({ payment_session_id: sessionId }, { select: ["id", "captured_at"] })
  return payment
}
