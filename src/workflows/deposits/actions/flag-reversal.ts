import type { IPaymentModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { formatDecimal, parseDecimal } from "../../../protocol"
import { WAAS_MODULE } from "../../../modules/waas"
import type { DepositApplication } from "../../../modules/waas/deposits/apply-deposit"
import type WaasModuleService from "../../../modules/waas/service"

export type ReversalFlag = "not_reversed" | "not_captured" | "flagged" | "already_flagged"

/** What the admin finds on Medusa's Payment (metadata.waas_reversal) once a deposit behind it was reversed. */
export interface WaasReversalFlag {
  crypto_payment_id: string
  status: string
  symbol: string
  waas_deposit_ids: string[]
  amount_due: string
  amount_received: string
  amount_remaining: string
  flagged_at: string
  what_to_do: string
}

const WHAT_TO_DO =
  "The WaaS took back crypto this payment was captured for; Medusa keeps the capture. Hold the order's fulfilment " +
  "and see the plugin README, 'Reversed deposits'."

/**
 * Medusa has no capture reversal. When a deposit of a payment Medusa already captured is reversed, its Payment
 * gets `metadata.waas_reversal` (what was taken back and what is owed now) and a warning is logged; the review
 * queue has the deposit itself, and the event waas.deposit.reversed announces it. Driven by the module's state,
 * not by this run's outcome: any application of a reversed deposit (a repeat callback, an admin's re-run) brings
 * the flag up to date, so a failure here is retried with the run that carries it. 
 */
export async function flagReversedMedusaPayment(
  container: MedusaContainer,
  a: DepositApplication | null,
): Promise<ReversalFlag> {
  // a reversal, or a new deposit that made a reversed payment good again: the flag shows where it stands
  const madeGood = a?.payment?.before === "reversed" && a.payment.after !== "reversed"
  if (!a || (a.after !== "reversed" && !madeGood)) return "not_reversed"
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const paymentId = madeGood ? a.payment!.id : (await waas.retrieveDeposit(a.deposit_id)).crypto_payment_id
  if (!paymentId) return "not_captured"
  const deposit = await waas.retrieveDeposit(a.deposit_id)
  const payment = await waas.retrieveCryptoPayment(paymentId)
  const reversed = await waas.listDeposits({ crypto_payment_id: payment.id, status: ["reversed"] }, { order: { waas_created_at: "ASC" } })
  const remaining = parseDecimal(payment.amount_due).minus(parseDecimal(payment.amount_received))
  const flag: Omit<WaasReversalFlag, "flagged_at"> = {
    crypto_payment_id: payment.id,
    status: payment.status,
    symbol: payment.symbol,
    waas_deposit_ids: reversed.map((d) => d.waas_deposit_id),
    amount_due: payment.amount_due,
    amount_received: payment.amount_received,
    amount_remaining: formatDecimal(remaining.isNegative() ? 0 : remaining),
    what_to_do: WHAT_TO_DO,
  }
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const [captured] = await payments.listPayments({ payment_session_id: payment.payment_session_id })
  if (!captured?.captured_at) {
    if (madeGood) return "not_captured"
    logger.warn(
      `medusa-plugin-waas: deposit ${a.waas_deposit_id} of crypto payment ${payment.id} was reversed by the WaaS ` +
        `(${deposit.review_reason ?? "status " + deposit.waas_status}); Medusa had not captured the payment, which is now ${payment.status}`,
    )
    return "not_captured"
  }
  // Medusa's Payment has a metadata column; PaymentDTO does not declare it
  const metadata = ((captured as { metadata?: Record<string, unknown> | null }).metadata ?? {}) as Record<string, unknown>
  const current = metadata.waas_reversal as WaasReversalFlag | undefined
  if (current && sameFlag(current, flag)) {
    return "already_flagged"
  }
  const waasReversal: WaasReversalFlag = { ...flag, flagged_at: new Date().toISOString() }
  await payments.updatePayment({ id: captured.id, metadata: { ...metadata, waas_reversal: waasReversal } } as Parameters<
    IPaymentModuleService["updatePayment"]
  >[0])
  if (madeGood) {
    logger.info(`medusa-plugin-waas: crypto payment ${payment.id}, reversed before, is ${payment.status} again; metadata.waas_reversal of Medusa payment ${captured.id} updated`)
    return "flagged"
  }
  logger.warn(
    `medusa-plugin-waas: deposit ${a.waas_deposit_id} of crypto payment ${payment.id} (order ${payment.order_id ?? "unknown"}) ` +
      `was reversed by the WaaS after Medusa captured payment ${captured.id}: the payment is now ${payment.status}, ` +
      `${flag.amount_remaining} ${payment.symbol} short. Flagged on the Medusa payment (metadata.waas_reversal); ` +
      `the deposit waits in the review queue (/admin/waas/orphans)`,
  )
  return "flagged"
}

/** the stored flag says the same (jsonb does not keep key order, so compare field by field) */
function sameFlag(stored: Partial<WaasReversalFlag>, next: Omit<WaasReversalFlag, "flagged_at">): boolean {
  return (Object.keys(next) as Array<keyof typeof next>).every((k) => JSON.stringify(stored[k]) === JSON.stringify(next[k]))
}
