import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { runDepositPoll, type DepositPollReport } from "../workflows/deposits/runners/run-deposit-poll"

/**
 * The deposit poller (see runDepositPoll). The job ticks every 15 seconds; a run happens when the
 * module option depositPollIntervalSeconds (default 60) has elapsed since the last completed run,
 * measured in the database, so the interval holds across instances and restarts.
 */
export default async function pollDepositsJob(container: MedusaContainer): Promise<DepositPollReport> {
  const report = await runDepositPoll(container)
  if (!report.skipped) {
    const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
    const failed = report.inbox.failed + report.sync.failed + report.recheck.failed + report.medusa.failed + report.errors.length
    const parked = report.sync.parked + report.recheck.parked
    const line =
      `medusa-plugin-waas: deposit poll: inbox ${report.inbox.processed}, synced ${report.sync.records} ` +
      `(${report.sync.skipped} unchanged, passed over) ` +
      `(cursor ${report.sync.cursor_from} → ${report.sync.cursor_to}), re-checked ${report.recheck.checked}, ` +
      `Medusa re-driven ${report.medusa.redriven}` +
      (parked ? `, ${parked} parked for review (/admin/waas/orphans?status=needs_review)` : "") +
      (failed ? `, ${failed} failed (retried with backoff)` : "") +
      (report.errors.length ? ` [${report.errors.join("; ")}]` : "")
    if (failed || parked) logger.warn(line)
    else if (report.inbox.processed + report.sync.records + report.recheck.checked + report.medusa.redriven > 0) logger.info(line)
  }
  return report
}

export const config = {
  name: "waas-poll-deposits",
  schedule: { interval: 15_000 },
}
