import type { ILockingModule, IPaymentModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules, PaymentActions } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { processPaymentWorkflow } from "@medusajs/medusa/core-flows"
import { WAAS_MODULE } from "../../../modules/waas"
import { isSettled } from "../../../modules/waas/deposits/outcome"
import type WaasModuleService from "../../../modules/waas/service"

export interface CaptureSettledPaymentInput {
  crypto_payment_id: string | null
}

export type CaptureOutcome = "not_settled" | "already_captured" | "captured"

/**
 * Tells Medusa a crypto payment is paid, through Medusa's own processPaymentWorkflow with the action
 * `captured` and the payment session: for an order placed with pending_authorization it authorizes the
 * session (our provider answers `captured` because the MODULE says paid), which creates the Payment with a
 * full capture, records the order transaction, and completes the payment collection; for a cart that has
 * no order yet it completes the cart as well.
 *
 * Driven by the module's state, not by what just happened: it does nothing unless the payment is paid or
 * overpaid and not yet marked captured in Medusa, so re-running it (a retry, the poller's re-drive) is
 * safe, and a failure here leaves the payment marked "not captured" for the next run. Runs for the same
 * payment are serialised with Medusa's locking module: several deposits (or repeats) of one payment
 * would otherwise all see "settled, not captured" and race to create the Medusa payment (Medusa's unique
 * payment per session refuses the loser; processPaymentWorkflow's own lock covers only carts).
 * Nothing to compensate: the capture records money already received (Medusa's own capture step has none
 * either).
 */
export const captureSettledPaymentStep = createStep(
  "waas-capture-settled-payment",
  async (input: CaptureSettledPaymentInput, { container }) => {
    const id = input.crypto_payment_id
    if (!id) return new StepResponse<CaptureOutcome>("not_settled")
    const locking = container.resolve<ILockingModule>(Modules.LOCKING)
    const outcome = await locking.execute(`waas:capture:${id}`, () => captureIfSettled(container, id), { timeout: 60 })
    return new StepResponse<CaptureOutcome>(outcome)
  },
)

async function captureIfSettled(container: MedusaContainer, id: string): Promise<CaptureOutcome> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const payment = await waas.retrieveCryptoPayment(id)
  if (!isSettled(payment.status)) return "not_settled"
  if (payment.medusa_captured_at) return "already_captured"

  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const before = await payments.retrievePaymentSession(payment.payment_session_id, { relations: ["payment"] })
  if (!before.payment?.captured_at) {
    await processPaymentWorkflow(container).run({
      input: {
        action: PaymentActions.SUCCESSFUL,
        data: { session_id: payment.payment_session_id, amount: before.amount },
      },
    })
  }
  const after = await payments.retrievePaymentSession(payment.payment_session_id, { relations: ["payment"] })
  if (!after.payment?.captured_at) {
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      `crypto payment ${payment.id} is ${payment.status} but Medusa did not capture payment session ${payment.payment_session_id} (session status ${after.status}); will retry`,
    )
  }
  await waas.markMedusaCaptured(payment.id)
  container
    .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
    .info(`medusa-plugin-waas: crypto payment ${payment.id} is ${payment.status}; Medusa payment ${after.payment.id} captured`)
  return "captured"
}
