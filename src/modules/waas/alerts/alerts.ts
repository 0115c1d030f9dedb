import type { Context } from "@medusajs/framework/types"
import type { ModuleDeps } from "../module-context"
import type { RefillReport } from "../pool/refill"
import { applyVerdict, listAlerts, type AlertRow } from "./alert-sql"
import type { AlertStatus } from "./alert-states"
import * as sql from "./condition-sql"
import * as C from "./conditions"

export type AlertChanges = { raised: AlertRow[]; resolved: AlertRow[] }
export type { AlertRow }

/**
 * Operator alerts (alerts/README.md). Each source judges its own conditions and hands over a verdict: the
 * evaluation job the ones read from the database, the refill job the pool watermark after its run, the
 * reconciliation event its day. A verdict raises what holds and is not open yet, and resolves what is open in
 * its scope and holds no more; the changes come back so the caller announces each once (event, feed).
 */
export class Alerts {
  constructor(private readonly deps: ModuleDeps) {}

  private get options() {
    return this.deps.options.alerts
  }

  private apply(verdict: C.AlertVerdict, sharedContext: Context): Promise<AlertChanges> {
    return this.deps.db.transaction((trx) => applyVerdict(trx, verdict, this.deps.now()), sharedContext)
  }

  /** The conditions read from the database (C.EVALUATED_CONDITIONS), judged now; nothing once shutdown began. */
  async evaluate(sharedContext: Context = {}): Promise<AlertChanges> {
    const gated = await this.deps.shutdown.run(() => this.evaluate_(sharedContext))
    return gated.ran ? gated.value : { raised: [], resolved: [] }
  }

  private async evaluate_(sharedContext: Context): Promise<AlertChanges> {
    const now = this.deps.now()
    const o = this.options
    const verdict = await this.deps.db.read(async (db) => {
      const holding: C.AlertObservation[] = []
      for (const p of await sql.poolFigures(db, now, o.poolEmptyWindowMinutes)) {
        if (p.emptyCheckouts > 0 && p.available === 0) holding.push(C.poolEmpty(p.symbol, p.available, p.emptyCheckouts, o.poolEmptyWindowMinutes))
      }
      const users = await sql.accountCount(db)
      const cap = this.deps.options.userCap
      if (users >= cap * o.userCapRatio) holding.push(C.userCap(users, cap, o.userCapRatio))
      for (const r of await sql.refusalsByReason(db, now, o.callbacksRefusedWindowMinutes)) {
        if (r.count > o.callbacksRefusedMax) holding.push(C.callbacksRefused(r.reason, r.count, o.callbacksRefusedMax, o.callbacksRefusedWindowMinutes))
      }
      const unprocessed = await sql.unprocessedCallbacks(db, now, o.callbacksUnprocessedMinutes)
      if (unprocessed.count > 0 && unprocessed.oldest) holding.push(C.callbacksUnprocessed(unprocessed.count, unprocessed.oldest, o.callbacksUnprocessedMinutes))
      for (const poller of ["deposit", "withdrawal"] as const) {
        const p = await sql.pollerFigures(db, poller, now, o.pollerBehindMinutes)
        if (p.behind) holding.push(C.pollerBehind(poller, p.lastRun, o.pollerBehindMinutes))
      }
      for (const w of await sql.stuckWithdrawals(db, now, o.withdrawalStuckHours)) holding.push(C.withdrawalStuck(w.id, w.status, w.createdAt, o.withdrawalStuckHours))
      for (const d of await sql.deniedConfirmations(db, now, o.secondConfirmationDeniedMinutes)) {
        holding.push(C.secondConfirmationDenied(d.subject, d.requestId, d.deniedAt, d.reason))
      }
      await sql.pruneAlertTables(db, now, o.retentionDays)
      return { scope: C.EVALUATED_CONDITIONS.map((condition) => ({ condition })), holding }
    }, sharedContext)
    return this.apply(verdict, sharedContext)
  }

  /** After a refill: a coin still below its watermark holds "pool low"; a refilled one clears it. Skipped runs judge nothing. */
  observeRefill(report: RefillReport, sharedContext: Context = {}): Promise<AlertChanges> {
    if (report.skipped !== undefined) return Promise.resolve({ raised: [], resolved: [] })
    const watermark = new Map(this.deps.options.coins.map((c) => [c.symbol, c.poolLowWatermark]))
    const holding = report.coins
      .filter((c) => c.after < (watermark.get(c.symbol) ?? 0))
      .map((c) => C.poolLow(c.symbol, c.after, watermark.get(c.symbol) ?? 0))
    const scope = report.coins.map((c) => ({ condition: "pool_low" as const, subject: c.symbol }))
    return this.apply({ scope, holding }, sharedContext)
  }

  /** A reconciliation run's outcome for its day (the event `waas.reconciliation.completed`). */
  observeReconciliation(day: string, status: C.ReconciliationStatus, breaks: Record<string, number>, sharedContext: Context = {}): Promise<AlertChanges> {
    return this.apply(C.reconciliationVerdict(day, status, breaks), sharedContext)
  }

  list(args: { status?: AlertStatus; limit: number; offset: number }, sharedContext: Context = {}) {
    return this.deps.db.read((db) => listAlerts(db, args), sharedContext)
  }
}
