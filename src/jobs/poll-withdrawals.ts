import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { runWithdrawalPoll, type WithdrawalPollReport } from "../workflows/withdrawals/runners/run-withdrawal-poll"

/**
 * The withdrawal poller (see runWithdrawalPoll). Ticks every 15 s; runs when withdrawals.pollIntervalSeconds
 * (default 60) has elapsed since the last run, measured in the database across instances.
 */
export default async function pollWithdrawalsJob(container: MedusaContainer): Promise<WithdrawalPollReport> {
  const report = await runWithdrawalPoll(container)
  if (!report.skipped) {
    const failed = report.inbox.failed + report.sync.failed + report.recheck.failed + report.medusa.failed + report.errors.length
    const busy = report.inbox.processed + report.sync.records + report.recheck.checked + report.submitted + report.medusa.sessions
    const line =
      `medusa-plugin-waas: withdrawal poll: inbox ${report.inbox.processed}, synced ${report.sync.records} ` +
      `(cursor ${report.sync.cursor_from} → ${report.sync.cursor_to}), re-checked ${report.recheck.checked}, ` +
      `resubmitted ${report.recheck.resubmitted}, submitted ${report.submitted}, Medusa sessions ${report.medusa.sessions}` +
      (failed ? `, ${failed} failed (retried next run) [${report.errors.join("; ")}]` : "")
    const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
    if (failed) logger.warn(line)
    else if (busy) logger.info(line)
  }
  return report
}

export const config = {
  name: "waas-poll-withdrawals",
  schedule: { interval: 15_000 },
}
