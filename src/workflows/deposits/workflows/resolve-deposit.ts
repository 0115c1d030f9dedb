import { createWorkflow, transform, WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { captureSettledPaymentStep } from "../steps/capture-settled-payment"
import { emitDepositEventsStep } from "../steps/emit-deposit-events"
import { resolveWaasDepositStep, type ResolveWaasDepositInput } from "../steps/resolve-waas-deposit"

export const resolveWaasDepositWorkflowId = "waas-resolve-deposit"

/**
 * An admin resolves a held or orphaned deposit: attach it (credit an order's crypto payment, capturing the
 * Medusa payment if that settles it) or mark it for refund.
 */
export const resolveWaasDepositWorkflow = createWorkflow(
  resolveWaasDepositWorkflowId,
  (input: WorkflowData<ResolveWaasDepositInput>) => {
    const application = resolveWaasDepositStep(input)
    const medusa = captureSettledPaymentStep(
      transform({ application }, ({ application }) => ({ crypto_payment_id: application.payment?.id ?? null })),
    )
    emitDepositEventsStep({ application })
    return new WorkflowResponse(transform({ application, medusa }, ({ application, medusa }) => ({ application, medusa })))
  },
)
