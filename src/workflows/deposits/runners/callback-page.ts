import type { MedusaContainer } from "@medusajs/framework/types"
import { WAAS_MODULE } from "../../../modules/waas"
import type { ClaimedCallback } from "../../../modules/waas/callbacks/inbox-sql"
import type WaasModuleService from "../../../modules/waas/service"
import { processDepositPage } from "./deposit-page"
import { describeOutcome, errorText, isWaasTransportFailure } from "./outcome-text"

/** One inbox row of a page, after its run. */
export interface CallbackRun {
  inbox_id: string
  /** false when nothing was pending for this row, or another processor held it: nothing done */
  claimed: boolean
  outcome: string | null
  /** the run failed: the row's lease is still held, the caller gives it back (release or recordCallbackFailure) */
  error: string | null
  waas_unreachable: boolean
  /** another delivery arrived during the run: run it again */
  more: boolean
}

/**
 * A page of recorded deposit callbacks (issue 11, item 2): the rows' leases taken in one statement, the WaaS ids they
 * name read back in ONE depositList call (never trusting a callback body), the page through the deposit path
 * (deposit-page.ts), and the rows whose run went through marked processed in one statement. An id the WaaS does not
 * know is done with ("nothing applied"). A row whose run failed keeps its lease and is reported with the error: the
 * caller gives it back, as the old per-callback workflow's compensation did, and retries it or schedules its retry.
 */
export async function processCallbackPage(container: MedusaContainer, inboxIds: readonly string[]): Promise<CallbackRun[]> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const claimed = await waas.claimCallbacks(inboxIds, "deposit")
  const byInbox = new Map<string, CallbackRun>(
    inboxIds.map((id) => [id, { inbox_id: id, claimed: false, outcome: null, error: null, waas_unreachable: false, more: false }]),
  )
  if (claimed.length === 0) return [...byInbox.values()]
  for (const c of claimed) byInbox.get(c.id)!.claimed = true

  try {
    await runClaimed(container, waas, claimed, byInbox)
  } catch (e) {
    // the WaaS or the database out of reach before the page was done: every row not completed keeps its lease
    for (const c of claimed) {
      const run = byInbox.get(c.id)!
      if (run.outcome === null) Object.assign(run, { error: errorText(e), waas_unreachable: isWaasTransportFailure(e) })
    }
  }
  return [...byInbox.values()]
}

async function runClaimed(
  container: MedusaContainer,
  waas: WaasModuleService,
  claimed: ClaimedCallback[],
  byInbox: Map<string, CallbackRun>,
): Promise<void> {
  const pulled = await waas.pullDeposits(claimed.map((c) => c.waas_id))
  const results = new Map((await processDepositPage(container, pulled, "callback", { stopAtFailure: false })).map((r) => [r.waas_deposit_id, r]))
  const done: Array<{ id: string; seenCount: number; outcome: string }> = []
  for (const c of claimed) {
    const run = byInbox.get(c.id)!
    // inbox ids are the notification's id as text; the WaaS's answer is keyed by its canonical form
    const r = /^\d{1,16}$/.test(c.waas_id) ? results.get(String(Number(c.waas_id))) : undefined
    if (r && r.error !== null) {
      Object.assign(run, { error: r.error, waas_unreachable: r.waas_unreachable })
      continue
    }
    done.push({ id: c.id, seenCount: c.received_count, outcome: r ? r.outcome : describeOutcome(false, null, "not_settled") })
  }
  const completed = await waas.completeCallbacks(done)
  for (const d of done) Object.assign(byInbox.get(d.id)!, { outcome: d.outcome, more: completed.get(d.id)?.more ?? false })
}
