import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import { applySyncPages, type SyncCounts } from "./sync-pages"

export interface DepositBackfillInput {
  /** read the WaaS's deposits with ids above this one ("0": from the first) */
  after: string
  /** at most this many syncDepositList pages (100 deposits each) this call; depositPollMaxPages by default */
  max_pages?: number
  actor?: string | null
}

export interface DepositBackfillReport extends SyncCounts {
  /** why nothing ran: the poller (or another backfill) holds the poll lock, or shutdown began */
  refused?: string
  after: string
  /** the poller's cursor when the backfill began: the history ends there, what is above it is the poller's */
  until: string
  /** where to go on from (pass it as `after` next time) */
  next_after: string
  /** nothing is left between next_after and until */
  done: boolean
  /** the WaaS or the database out of reach: what was applied before it stays applied */
  error?: string
}

/**
 * The admin's backfill (issue 11): the deposits of the WaaS's history below the poller's cursor, which a new install
 * starts after (sync-start-sql.ts), read with syncDepositList from `after` and applied through the same deposit path
 * as the poller's (records the ledger holds unchanged passed over), a bounded number of pages a call. Under the
 * poll lock, so it never runs beside a poll or another backfill; the poller's cursor is not moved. Safe to repeat:
 * every application is exactly-once.
 */
export async function runDepositBackfill(container: MedusaContainer, input: DepositBackfillInput): Promise<DepositBackfillReport> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const report: DepositBackfillReport = {
    pages: 0, records: 0, skipped: 0, parked: 0, failed: 0, unidentified: 0,
    after: input.after, until: input.after, next_after: input.after, done: false,
  }
  const locked = await waas.depositPoll().withLock(async (signal) => {
    report.until = await waas.depositPoll().cursor()
    try {
      const end = await applySyncPages(
        container,
        waas,
        logger,
        { from: input.after, until: report.until, maxPages: input.max_pages ?? waas.getDepositOptions().pollMaxPages, signal },
        report,
      )
      report.next_after = end.to
      report.done = end.caught_up
    } catch (e) {
      report.error = e instanceof Error ? e.message : String(e)
    }
  })
  if (!locked) {
    report.refused = waas.isShuttingDown() ? "the application is shutting down" : "the deposit poller is running; try again in a moment"
    return report
  }
  logger.info(
    `medusa-plugin-waas: deposit backfill by ${input.actor ?? "an admin"} from ${input.after}: ${report.records} record(s) ` +
      `(${report.skipped} unchanged, ${report.parked} parked, ${report.failed} failed), next after ${report.next_after}` +
      `${report.done ? ", up to the poller's cursor" : ""}${report.error ? `; stopped: ${report.error}` : ""}`,
  )
  return report
}
