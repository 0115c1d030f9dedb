import type { IEventBusModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type { RunRow } from "../../../modules/waas/reconciliation/runs-sql"
import type { DayFigures } from "../../../modules/waas/reconciliation/totals-sql"
import type WaasModuleService from "../../../modules/waas/service"

export const RECONCILIATION_COMPLETED = "waas.reconciliation.completed"

export interface FinishRunInput {
  run_id: string
  /** set when the run failed: why, in words (the WaaS unreachable, …) */
  failure_reason?: string | null
  unreadable?: number
  /** the figures the compare returned with its breaks (the totals are read again when the run healed a break since) */
  compared?: DayFigures | null
}

/**
 * Finishes a run: `failed` with its reason, else `breaks` when the compare wrote any, `balanced` otherwise, with
 * the day's totals and fees. The finished row is never edited again. Nothing to compensate: it is the last write.
 */
export const finishRunStep = createStep("waas-reconciliation-finish", async (input: FinishRunInput, { container }) => {
  const recon = container.resolve<WaasModuleService>(WAAS_MODULE).reconciliation()
  const run = await recon.getRun(input.run_id)
  if (!run) throw new Error(`medusa-plugin-waas: no reconciliation run ${input.run_id}`)
  if (run.status !== "running") return new StepResponse(run)
  const progress = { ...run.progress, phase: "done" as const, percent: 100 }
  if (input.failure_reason) {
    return new StepResponse(await recon.finish(run, { status: "failed", reason: input.failure_reason, progress, unreadable: input.unreadable }))
  }
  const { totals, fees } = await recon.figuresAtFinish(run, input.compared ?? null)
  const { count } = await recon.listBreaks(run.id, {}, { limit: 1, offset: 0 })
  const finished = await recon.finish(run, {
    status: count > 0 ? "breaks" : "balanced",
    totals,
    fees,
    progress,
    unreadable: input.unreadable,
  })
  return new StepResponse(finished)
})

/** `waas.reconciliation.completed` { run_id, day, status, break_counts }: once per finished run, for alerts */
export const emitReconciliationCompletedStep = createStep(
  "waas-reconciliation-emit-completed",
  async (input: { run: RunRow | null }, { container }) => {
    const run = input.run
    if (!run || run.status === "running") return new StepResponse(false)
    const counts = (run.break_counts ?? { total: 0, open: 0, healed: 0, by_type: {} }) as Record<string, unknown>
    await container.resolve<IEventBusModuleService>(Modules.EVENT_BUS).emit({
      name: RECONCILIATION_COMPLETED,
      data: {
        run_id: run.id,
        day: run.day,
        status: run.status,
        failure_reason: run.failure_reason,
        break_counts: { total: counts.total ?? 0, open: counts.open ?? 0, healed: counts.healed ?? 0, by_type: counts.by_type ?? {} },
      },
    })
    return new StepResponse(true)
  },
)
