import type { MedusaContainer } from "@medusajs/framework/types"
import { WAAS_MODULE } from "../../../modules/waas"
import type { DepositApplication, DepositSource } from "../../../modules/waas/deposits/application"
import type { PulledDeposit } from "../../../modules/waas/deposits/pulled-deposit"
import type WaasModuleService from "../../../modules/waas/service"
import { captureSettledPayment, type CaptureOutcome, type KnownPayment } from "../actions/capture-settled"
import { emitDepositEvents } from "../actions/emit-events"
import { flagReversedMedusaPayment } from "../actions/flag-reversal"
import { ingestionGaugeOf } from "../../callbacks/ingestion-first"
import { mapBounded } from "./bounded"
import { describeOutcome, errorText, isWaasTransportFailure } from "./outcome-text"

/** What became of one deposit of a page, for the callback processor, the sync and the re-read. */
export interface PageResult {
  waas_deposit_id: string
  /** the ledger part went through (applied or parked); a later failure (Medusa's capture) is re-driven from the module's state */
  applied: boolean
  parked: boolean
  /** not tried: the page stopped before it (stopAtFailure) */
  tried: boolean
  application: DepositApplication | null
  medusa: CaptureOutcome
  /** null when everything went through */
  error: string | null
  waas_unreachable: boolean
  /** one line for the inbox and the logs */
  outcome: string
}

/**
 * The deposit path for a page of records already pulled from the WaaS (issue 11, item 2), without a workflow per
 * deposit: the module applies the page to the ledger in WaaS id order (each deposit exactly once, the unapplicable
 * ones parked; apply-page.ts); then, for each application, Medusa's capture of a payment it settled, the flag on
 * Medusa's payment behind a reversal, and the deposit's events, in that order as before: deposits of one payment one
 * after the other, different payments `depositCaptureConcurrency` at a time. Nothing is compensated, as before: the
 * ledger records money that arrived, and what follows it is driven by the module's state, so a failed capture is
 * re-driven (the poller's Medusa phase, the callback's retry) rather than undone.
 */
export async function processDepositPage(
  container: MedusaContainer,
  pulled: readonly PulledDeposit[],
  source: DepositSource,
  opts: { stopAtFailure: boolean },
): Promise<PageResult[]> {
  if (pulled.length === 0) return []
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const entries = await waas.applyDepositPage(pulled, source, opts)
  const results: PageResult[] = entries.map((e) => ({
    waas_deposit_id: e.waas_deposit_id,
    applied: e.kind === "applied",
    parked: e.kind === "applied" && e.parked,
    tried: e.kind !== "not_tried",
    application: e.kind === "applied" ? e.application : null,
    medusa: "not_settled",
    error: e.kind === "failed" ? errorText(e.error) : null,
    waas_unreachable: e.kind === "failed" && isWaasTransportFailure(e.error),
    outcome: "",
  }))
  // one group per payment (a deposit without one is a group of its own), in page order
  const groups = new Map<string, PageResult[]>()
  for (const r of results) {
    if (!r.application) continue
    const key = r.application.payment?.id ?? `deposit:${r.waas_deposit_id}`
    groups.set(key, [...(groups.get(key) ?? []), r])
  }
  const concurrency = waas.getOptions().depositCaptureConcurrency
  await mapBounded([...groups.values()], concurrency, async (group) => {
    for (const r of group) await finish(container, r)
  })
  for (const r of results) if (r.error === null) r.outcome = describeOutcome(true, r.application, r.medusa)
  return results
}

/** capture, flag, announce: a failure stops the deposit's run there, as a failed step stopped its workflow */
async function finish(container: MedusaContainer, r: PageResult): Promise<void> {
  const a = r.application!
  try {
    // Medusa's capture is most of processing's CPU: it waits while notify requests are in flight (bounded)
    await ingestionGaugeOf(container).quiet()
    r.medusa = await captureSettledPayment(container, a.payment?.id ?? null, knownPayment(a))
    await flagReversedMedusaPayment(container, a)
    await emitDepositEvents(container, a)
  } catch (e) {
    r.error = errorText(e)
    r.waas_unreachable = isWaasTransportFailure(e)
  }
}

function knownPayment(a: DepositApplication): KnownPayment | null {
  const p = a.payment
  if (!p || p.medusa_captured === undefined) return null
  return { id: p.id, status: p.after, medusa_captured: p.medusa_captured }
}
