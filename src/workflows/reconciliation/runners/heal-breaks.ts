import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../modules/waas"
import type { RunRow } from "../../../modules/waas/reconciliation/runs-sql"
import type WaasModuleService from "../../../modules/waas/service"
import { captureSettledCryptoPaymentWorkflow } from "../../deposits/workflows/capture-settled-payment"
import { processWaasDepositWorkflow } from "../../deposits/workflows/process-deposit"
import { workflowFailureText } from "../../deposits/runners/workflow-failure"
import { reportProgress } from "../steps/run-progress"

/**
 * What the reconciliation heals by itself, and nothing else (every other break waits for an admin):
 *   missing_in_ledger (a deposit)  the deposit the WaaS has and the ledger lacks (lost by callbacks and poller
 *                                  alike) goes through the deposit workflow exactly as a polled one does: pulled
 *                                  by id, applied once, the Medusa payment captured, the events announced;
 *   credited_not_captured          the Medusa capture is re-driven (the same workflow the poller re-drives).
 * A break is marked healed, with what was done, only when the workflow went through. A deposit the WaaS reports
 * twice for one transaction (a `duplicate` break) is not healed: crediting it would pay the order twice.
 */
export async function healBreaks(container: MedusaContainer, run: RunRow): Promise<{ healed: number; failed: number }> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const recon = waas.reconciliation()
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const progress = (await recon.getRun(run.id))?.progress ?? run.progress
  progress.phase = "healing"
  await reportProgress(container, recon, run, progress, true)
  let healed = 0
  let failed = 0
  // a record the WaaS holds twice for one chain transaction is never credited by the reconciliation: an admin decides
  const duplicates = new Set<string>()
  for (let after = ""; ; ) {
    const page = await recon.breaksAfter(run.id, after, 500)
    for (const b of page) if (b.type === "duplicate" && b.waas_id) duplicates.add(`${b.kind}:${b.waas_id}`)
    if (page.length < 500) break
    after = page[page.length - 1].id
  }
  for (let after = ""; ; ) {
    const page = await recon.breaksAfter(run.id, after, 100, ["open"])
    for (const b of page) {
      let action: string | null = null
      try {
        if (b.type === "missing_in_ledger" && b.kind === "deposit" && b.waas_id && !duplicates.has(`deposit:${b.waas_id}`)) {
          action = await healDeposit(container, waas, b.waas_id)
        }
        else if (b.type === "credited_not_captured" && b.ledger_id) action = await healCapture(container, b.ledger_id)
        else continue
      } catch (e) {
        action = null
        logger.warn(`medusa-plugin-waas: reconciliation could not heal break ${b.id} (${b.type}): ${e instanceof Error ? e.message : String(e)}`)
      }
      if (action && (await recon.markHealed(b.id, action))) healed++
      else failed++
    }
    if (page.length < 100) break
    after = page[page.length - 1].id
  }
  return { healed, failed }
}

async function healDeposit(container: MedusaContainer, waas: WaasModuleService, waasId: string): Promise<string | null> {
  const pulled = await waas.pullDeposit(waasId)
  if (!pulled) return null
  const { result, errors } = await processWaasDepositWorkflow(container).run({
    input: { waas_deposit_id: waasId, pulled, source: "poll" },
    throwOnError: false,
  })
  if (errors.length > 0) throw new Error(workflowFailureText(errors))
  const a = result.application
  if (!a) return null
  const payment = a.payment ? `; crypto payment ${a.payment.id} is ${a.payment.after}${a.payment.order_id ? ` (order ${a.payment.order_id})` : ""}` : ""
  const medusa = result.medusa === "captured" ? "; the Medusa payment was captured" : ""
  return `deposit ${waasId} applied through the deposit workflow (as the poller would): the ledger has it as ${a.after}${payment}${medusa}`
}

async function healCapture(container: MedusaContainer, cryptoPaymentId: string): Promise<string | null> {
  const { result, errors } = await captureSettledCryptoPaymentWorkflow(container).run({
    input: { crypto_payment_id: cryptoPaymentId },
    throwOnError: false,
  })
  if (errors.length > 0) throw new Error(workflowFailureText(errors))
  if (result === "captured") return `the Medusa capture of crypto payment ${cryptoPaymentId} was re-driven: captured`
  if (result === "already_captured") return `crypto payment ${cryptoPaymentId} was found captured in Medusa on re-drive`
  return null
}
