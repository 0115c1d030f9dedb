import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../modules/waas"
import type { RunTrigger } from "../../../modules/waas/reconciliation/recon-states"
import type { Reconciliation } from "../../../modules/waas/reconciliation/reconciliation"
import type { RunRow } from "../../../modules/waas/reconciliation/runs-sql"
import type { DayFigures } from "../../../modules/waas/reconciliation/totals-sql"
import type WaasModuleService from "../../../modules/waas/service"
import { finishReconciliationRunWorkflow } from "../workflows/finish-reconciliation-run"
import { reconcileDayWorkflow } from "../workflows/reconcile-day"
import { healBreaks } from "./heal-breaks"

export class ReconciliationBusyError extends Error {
  readonly code = "WAAS_RECONCILIATION_BUSY"
  constructor() {
    super("a reconciliation is already running (on this or another instance); try again when it has finished")
    this.name = "ReconciliationBusyError"
  }
}

export interface StartedReconciliation {
  /** the new run, status running */
  run: RunRow
  /** settles with the finished run (balanced, breaks or failed) */
  done: Promise<RunRow | null>
}

/**
 * Starts a run of one day (an admin's rerun, a test) under the reconciliation's advisory lock and returns as soon
 * as the run row exists; the work goes on in `done`. ReconciliationBusyError when another run holds the lock.
 */
export async function startReconciliation(
  container: MedusaContainer,
  o: { day: string; trigger: RunTrigger; actor?: string | null },
): Promise<StartedReconciliation> {
  const recon = reconciliationOf(container)
  let onStarted!: (run: RunRow) => void
  let onRefused!: (e: unknown) => void
  const started = new Promise<RunRow>((resolve, reject) => ((onStarted = resolve), (onRefused = reject)))
  const done = (async () => {
    let finished: RunRow | null = null
    const locked = await recon.withLock(async (signal) => {
      await recon.failAbandonedRuns()
      const run = await recon.beginRun(o.day, o.trigger, o.actor ?? null)
      onStarted(run)
      finished = await executeRun(container, run, signal)
    })
    if (!locked) throw new ReconciliationBusyError()
    return finished
  })()
  done.catch(onRefused)
  return { run: await started, done }
}

/**
 * The job's work: every closed day without a result (never run, or its latest run failed), and every day whose
 * latest run healed all its breaks (once more, to show it balanced), oldest first, up to maxDaysPerTick, one after
 * another under the lock. Another instance holding the lock: nothing (it is doing the same).
 */
export async function runDueReconciliations(container: MedusaContainer): Promise<{ skipped?: string; runs: RunRow[] }> {
  const recon = reconciliationOf(container)
  const runs: RunRow[] = []
  const locked = await recon.withLock(async (signal) => {
    await recon.failAbandonedRuns()
    for (const day of await recon.dueDays()) {
      if (signal.aborted) break
      const run = await recon.beginRun(day, "job", null)
      const finished = await executeRun(container, run, signal)
      if (finished) runs.push(finished)
      // the WaaS unreachable: the later days would fail the same way; the next tick tries again
      if (finished?.status === "failed") break
    }
  })
  if (!locked) return { skipped: "another instance is reconciling", runs }
  return { runs }
}

async function executeRun(container: MedusaContainer, run: RunRow, signal: AbortSignal): Promise<RunRow | null> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  let failure: string | null = null
  let unreadable = 0
  let compared: DayFigures | null = null
  try {
    const { result } = await reconcileDayWorkflow(container).run({ input: { run_id: run.id } })
    unreadable = result.fill.unreadable
    compared = { totals: result.compare.totals, fees: result.compare.fees }
    if (unreadable > 0) {
      logger.error(`medusa-plugin-waas: reconciliation of ${run.day}: ${unreadable} WaaS record(s) could not be read; they are not in the mirror`)
    }
    if (signal.aborted) throw new Error("the application is shutting down")
    await healBreaks(container, run)
  } catch (e) {
    failure = failureText(e)
    logger.warn(`medusa-plugin-waas: reconciliation of ${run.day} (attempt ${run.attempt}) failed: ${failure}; the next tick runs it again`)
  }
  const { result: finished } = await finishReconciliationRunWorkflow(container).run({
    input: { run_id: run.id, failure_reason: failure, unreadable, compared },
  })
  if (finished && !failure) {
    const c = (finished.break_counts ?? {}) as { total?: number; healed?: number; open?: number }
    logger.info(
      `medusa-plugin-waas: reconciliation of ${run.day} (attempt ${run.attempt}): ${finished.status}` +
        (c.total ? `, ${c.total} break(s) (${c.healed ?? 0} healed, ${c.open ?? 0} open)` : ""),
    )
  }
  return finished
}

/** a run's failure in words, naming the WaaS when it was the WaaS (a transport error or a business code) */
function failureText(e: unknown): string {
  const err = e as { name?: string; message?: string; code?: unknown; routine?: unknown } | null
  let message = err?.message ?? String(e)
  // a database error's message starts with the whole statement (knex): keep what Postgres said
  if (typeof err?.routine === "string" || (typeof err?.code === "string" && /^[0-9A-Z]{5}$/.test(err.code))) {
    message = `database: ${message.split(" - ").pop()}`
  }
  if (err?.name === "WaasTransportError" || /WaasTransportError|ECONNREFUSED|timed out|fetch failed/i.test(message)) {
    return `the WaaS could not be reached: ${message}`
  }
  if (err?.name === "WaasBusinessError" || err?.name === "WaasCryptoError" || err?.name === "WaasResponseError") return `the WaaS answered with an error: ${message}`
  return message
}

function reconciliationOf(container: MedusaContainer): Reconciliation {
  return container.resolve<WaasModuleService>(WAAS_MODULE).reconciliation()
}
