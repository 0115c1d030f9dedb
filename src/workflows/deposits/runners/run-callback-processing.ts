import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import { processCallbackPage, type CallbackRun } from "./callback-page"
import { errorText, isWaasTransportFailure } from "./outcome-text"

export interface CallbackProcessing {
  inbox_id: string
  /** false when nothing was pending for this row, or another processor held it */
  claimed: boolean
  outcome: string | null
  error: string | null
  /** the failure was the WaaS out of reach (not this callback's doing) */
  waas_unreachable?: boolean
}

/** a bound on re-runs for deliveries that keep arriving during processing; the poller takes over after */
const MAX_RUNS = 5
/** retries of a failed run (the WaaS briefly unreachable, a lock timeout), before leaving it to the poller */
const RETRY_DELAYS_MS = [250, 1_000, 4_000]

/**
 * Processes one recorded callback until nothing new is pending for it (a page of one: callback-page.ts). Errors never
 * escape: they are written to the inbox row (last_error) and logged, and the row stays pending for the next attempt.
 * `retry` (the subscriber's default) retries a failed run a few times first; the poller and the admin
 * route pass false: the poller's next run is the retry, and an admin wants the answer now.
 */
export async function processRecordedCallback(
  container: MedusaContainer,
  inboxId: string,
  { retry = true }: { retry?: boolean } = {},
): Promise<CallbackProcessing> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  let last: CallbackProcessing = { inbox_id: inboxId, claimed: false, outcome: null, error: null }
  let failures = 0
  for (let run = 0; run < MAX_RUNS; run++) {
    const [r] = await runPage(container, [inboxId])
    if (r.error !== null) {
      // the lease is given back; retry a few times before the row is left pending for the poller (the local
      // event bus does not retry subscribers)
      if (retry && failures < RETRY_DELAYS_MS.length) {
        await waas.releaseCallback(inboxId, r.error).catch(() => undefined)
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[failures++]))
        run--
        continue
      }
      return giveUp(container, r)
    }
    last = { inbox_id: inboxId, claimed: last.claimed || r.claimed, outcome: r.outcome ?? last.outcome, error: null }
    if (!r.claimed || !r.more) return last
  }
  return last
}

/**
 * A page of recorded callbacks, each until nothing new is pending for it (at most MAX_RUNS pages), without retries:
 * the poller's sweep. A row whose run failed is left pending, its failure counted and its next attempt scheduled;
 * with `giveBack` only its lease is given back (the caller runs it again on its own, to tell whose failure it is).
 */
export async function processRecordedCallbacks(
  container: MedusaContainer,
  inboxIds: readonly string[],
  { giveBack = false }: { giveBack?: boolean } = {},
): Promise<CallbackProcessing[]> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const merged = new Map<string, CallbackProcessing>(inboxIds.map((id) => [id, { inbox_id: id, claimed: false, outcome: null, error: null }]))
  const failed: CallbackRun[] = []
  let ids = [...inboxIds]
  for (let run = 0; run < MAX_RUNS && ids.length > 0; run++) {
    const runs = await runPage(container, ids)
    for (const r of runs) {
      const m = merged.get(r.inbox_id)!
      if (r.error !== null) failed.push(r)
      else Object.assign(m, { claimed: m.claimed || r.claimed, outcome: r.outcome ?? m.outcome })
    }
    ids = runs.filter((r) => r.error === null && r.claimed && r.more).map((r) => r.inbox_id)
  }
  for (const r of failed) {
    if (!giveBack) {
      merged.set(r.inbox_id, await giveUp(container, r))
      continue
    }
    await waas.releaseCallback(r.inbox_id, r.error).catch(() => undefined)
    merged.set(r.inbox_id, { inbox_id: r.inbox_id, claimed: true, outcome: null, error: r.error, waas_unreachable: r.waas_unreachable })
  }
  return [...merged.values()]
}

/**
 * A page of recorded callbacks as the processing queue hands them over (a burst, gathered): processed like the
 * poller's sweep, with the retries processRecordedCallback gives a single one. Rows whose run failed have their
 * lease given back and are run again, as a page, after each of the retry delays; what still fails after the last
 * is given up for now (counted, retried by the poller's sweep with backoff). Errors never escape.
 */
export async function processQueuedCallbacks(container: MedusaContainer, inboxIds: readonly string[]): Promise<CallbackProcessing[]> {
  const results = new Map<string, CallbackProcessing>()
  let ids = [...inboxIds]
  for (let attempt = 0; ids.length > 0; attempt++) {
    const last = attempt >= RETRY_DELAYS_MS.length
    for (const r of await processRecordedCallbacks(container, ids, { giveBack: !last })) results.set(r.inbox_id, r)
    ids = last ? [] : ids.filter((id) => results.get(id)?.error != null)
    if (ids.length > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]))
  }
  return inboxIds.map((id) => results.get(id)!)
}

/** one page; a failure to claim (the database out of reach) is every row's failure */
async function runPage(container: MedusaContainer, ids: readonly string[]): Promise<CallbackRun[]> {
  try {
    return await processCallbackPage(container, ids)
  } catch (e) {
    const error = errorText(e)
    return ids.map((inbox_id) => ({ inbox_id, claimed: true, outcome: null, error, waas_unreachable: isWaasTransportFailure(e), more: false }))
  }
}

/**
 * Given up for now: counted, and the poller's sweep tries it again on its backoff schedule, passing over it until
 * then instead of stopping behind it.
 */
async function giveUp(container: MedusaContainer, r: CallbackRun): Promise<CallbackProcessing> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const message = r.error ?? "the callback's processing failed"
  await waas.recordCallbackFailure(r.inbox_id, message).catch(() => undefined)
  container
    .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
    .warn(`medusa-plugin-waas: processing callback ${r.inbox_id} failed (${message}); it stays pending and is retried with backoff`)
  return { inbox_id: r.inbox_id, claimed: true, outcome: null, error: message, waas_unreachable: r.waas_unreachable }
}
