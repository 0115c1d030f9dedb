import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { PAGE_SIZE, type WithdrawRecord } from "../../../protocol"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import { processWaasWithdrawalWorkflow } from "../workflows/process-withdrawal"
import { recordMedusaRefundsWorkflow } from "../workflows/record-medusa-refunds"
import { workflowErrors } from "./errors"
import { processRecordedWithdrawalCallback } from "./run-withdrawal-callback"
import { submitWithdrawal } from "./run-withdrawal-submission"

export interface WithdrawalPollReport {
  skipped?: string
  inbox: { processed: number; failed: number }
  sync: { pages: number; records: number; failed: number; cursor_from: string; cursor_to: string }
  recheck: { checked: number; resubmitted: number; failed: number }
  submitted: number
  medusa: { sessions: number; failed: number }
  errors: string[]
}

/** a `submitting` row the WaaS has no record of is re-sent (same request_id) once it is this old */
const RESUBMIT_AFTER_MS = 120_000
const MAX_PAGES = 20

/**
 * The withdrawal poller (the callbacks' backstop: after five failed sends the WaaS never calls again).
 * One run, under an advisory lock so instances never poll at once (every step is idempotent anyway):
 *   1. withdraw notifications recorded but not processed;
 *   2. syncWithdrawList from the stored cursor through the same status path (the cursor moves past a page
 *      only once all of it applied);
 *   3. every non-final withdrawal re-read with withdrawList (sync returns a record once, while pending);
 *      a `submitting` one the WaaS has never heard of is re-sent with the same request_id;
 *   4. approved withdrawals nobody sent (a crash after approval);
 *   5. completed withdrawals whose Medusa refund is not recorded yet.
 */
export async function runWithdrawalPoll(container: MedusaContainer, opts: { force?: boolean } = {}): Promise<WithdrawalPollReport> {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const w = waas.withdrawals()
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const report: WithdrawalPollReport = {
    inbox: { processed: 0, failed: 0 },
    sync: { pages: 0, records: 0, failed: 0, cursor_from: "", cursor_to: "" },
    recheck: { checked: 0, resubmitted: 0, failed: 0 },
    submitted: 0,
    medusa: { sessions: 0, failed: 0 },
    errors: [],
  }
  const apply = async (record: WithdrawRecord): Promise<string | null> => {
    const { errors } = await processWaasWithdrawalWorkflow(container).run({ input: { request_id: record.request_id, record, source: "poll" }, throwOnError: false })
    return errors.length ? workflowErrors(errors) : null
  }
  const phases: Array<[string, () => Promise<void>]> = [
    [
      "inbox",
      async () => {
        for (const id of await waas.listPendingCallbacks("withdraw", PAGE_SIZE)) {
          const r = await processRecordedWithdrawalCallback(container, id, { retry: false })
          if (r.error) report.inbox.failed++
          else if (r.claimed) report.inbox.processed++
        }
      },
    ],
    [
      "sync",
      async () => {
        let cursor = await w.poll.cursor()
        report.sync.cursor_from = report.sync.cursor_to = cursor
        for (let page = 0; page < MAX_PAGES; page++) {
          const records = (await w.syncAfter(cursor)).sort((a, b) => a.id - b.id)
          report.sync.pages++
          await shareWithMirror(waas, logger, cursor, records)
          if (records.length === 0) break
          let failed = 0
          for (const record of records) {
            report.sync.records++
            const error = await apply(record)
            if (error) {
              failed++
              logger.warn(`medusa-plugin-waas: withdrawal ${record.id} from syncWithdrawList not applied (${error}); the page is read again next run`)
            }
          }
          if (failed) {
            report.sync.failed += failed
            break
          }
          const next = String(records[records.length - 1].id)
          await w.poll.advance(cursor, next)
          report.sync.cursor_to = cursor = next
          if (records.length < PAGE_SIZE) break
        }
      },
    ],
    [
      "recheck",
      async () => {
        const ids = await w.listRequestIdsAtWaas(500)
        const records = await w.pull(ids)
        const known = new Set(records.map((r) => r.request_id))
        for (const record of records) {
          report.recheck.checked++
          if (await apply(record)) report.recheck.failed++
        }
        const unknownToWaas = new Set(ids.filter((id) => !known.has(id)))
        if (unknownToWaas.size === 0) return
        // sent (or about to be) but absent at the WaaS: re-sent with the same request_id once it is old
        // enough that no first attempt can still be in flight; a duplicate would be refused (110088) anyway
        for (const row of await w.list({ status: ["submitting"] }, 500)) {
          if (!unknownToWaas.has(row.request_id) || Date.now() - new Date(row.updated_at).getTime() < RESUBMIT_AFTER_MS) continue
          await submitWithdrawal(container, row.id, { redrive: true })
          report.recheck.resubmitted++
        }
      },
    ],
    [
      "approved",
      async () => {
        for (const id of await w.listApprovedIds(50)) {
          await submitWithdrawal(container, id)
          report.submitted++
        }
      },
    ],
    [
      "medusa",
      async () => {
        for (const session of await w.medusaRefunds.sessionsDue(50)) {
          report.medusa.sessions++
          const { errors } = await recordMedusaRefundsWorkflow(container).run({ input: { payment_session_id: session }, throwOnError: false })
          if (errors.length) report.medusa.failed++
        }
      },
    ],
  ]
  const locked = await w.poll.withLock(async () => {
    if (!opts.force && !(await w.poll.isDue())) {
      report.skipped = "the poll interval has not elapsed"
      return
    }
    try {
      for (const [name, phase] of phases) {
        try {
          await phase()
        } catch (e) {
          report.errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`)
        }
      }
    } finally {
      await w.poll.markRun()
    }
  })
  if (!locked) report.skipped = "another instance is polling"
  return report
}

/**
 * The reconciliation's mirror reads the same syncWithdrawList pages (issue 10): the poller's page is stored there
 * too. Never in the poller's way: a failure is only logged, and the reconciliation reads the page itself.
 */
async function shareWithMirror(waas: WaasModuleService, logger: Logger, cursor: string, records: WithdrawRecord[]): Promise<void> {
  const mirror = waas.reconciliation().mirror
  try {
    await mirror.ingestPage("withdrawal", cursor, mirror.parse("withdrawal", records))
  } catch (e) {
    logger.warn(`medusa-plugin-waas: the withdrawal page after ${cursor} was not stored in the reconciliation mirror (${e instanceof Error ? e.message : String(e)})`)
  }
}
