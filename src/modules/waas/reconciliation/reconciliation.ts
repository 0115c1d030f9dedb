import type { Context } from "@medusajs/framework/types"
import { withAdvisoryLock } from "../db-context"
import type { ModuleDeps } from "../module-context"
import { BreakFilter, BreakRow, breaksAfter, carryDecisions, getBreak, hasHealed, listBreaks, moveBreak } from "./breaks-sql"
import { insertMedusaFacts, listDayPayments, MedusaFact, paymentsBySession } from "./compare-medusa-sql"
import { DAY_PATTERN } from "./recon-options"
import { countDay, exportLines, ExportLine } from "./export-sql"
import { orderFees, OrderFees } from "./fees-sql"
import { WaasMirror } from "./mirror-fill"
import { BreakMachine, type BreakStatus, type RunTrigger } from "./recon-states"
import {
  createRun,
  dueDays,
  failAbandonedRuns,
  finishRun,
  getRun,
  latestRuns,
  previousResult,
  Progress,
  RunRow,
  saveProgress,
} from "./runs-sql"
import { DayFigures, dayPasses, dayTotals } from "./totals-sql"
import { reconTrend, TrendDay } from "./trend-sql"

const LOCK_KEY = "medusa-plugin-waas:reconciliation"
/** a row of waas_sync_cursor whose created_at marks when the reconciliation first ran (the job's first day) */
const INSTALLED_MARK = "reconciliation:installed"

export class BreakDecisionError extends Error {
  constructor(readonly status: 404 | 409, message: string) {
    super(message)
    this.name = "BreakDecisionError"
  }
}

/**
 * The daily reconciliation (README.md in this folder): the mirror, runs and breaks, the compare in SQL, fees per
 * order and the export. The orchestration (which workflow heals what, the event) is the workflows' runner; this
 * domain only reads and writes its own tables and reads the ledgers.
 */
export class Reconciliation {
  readonly mirror: WaasMirror

  constructor(private readonly deps: ModuleDeps) {
    this.mirror = new WaasMirror(deps)
  }

  options() {
    return this.deps.options.reconciliation
  }

  now(): Date {
    return this.deps.now()
  }

  /** Runs `fn` holding the reconciliation's advisory lock (a session of its own); false when another instance holds it. */
  async withLock(fn: (signal: AbortSignal) => Promise<void>): Promise<boolean> {
    const gated = await this.deps.db.read((db) => this.deps.shutdown.run((signal) => withAdvisoryLock(db, LOCK_KEY, () => fn(signal))))
    return gated.ran && gated.value.acquired
  }

  /** The first day the job reconciles: the option, else the day (in the zone) the reconciliation first ran. */
  async firstDay(): Promise<string> {
    const o = this.options()
    if (o.firstDay) return o.firstDay
    return this.deps.db.read(async (db) => {
      await db.raw(
        `INSERT INTO waas_sync_cursor (id, name, max_id, created_at, updated_at)
         VALUES ('wcur_' || replace(gen_random_uuid()::text, '-', ''), ?, '0', ?, now())
         ON CONFLICT (name) WHERE deleted_at IS NULL DO NOTHING`,
        [INSTALLED_MARK, this.deps.now()],
      )
      const r = await db.raw<{ rows: Array<{ day: string }> }>(
        `SELECT to_char(created_at AT TIME ZONE ?, 'YYYY-MM-DD') AS day FROM waas_sync_cursor WHERE name = ? AND deleted_at IS NULL`,
        [o.timeZone, INSTALLED_MARK],
      )
      return r.rows[0].day
    })
  }

  /** The latest day whose end plus the settle delay has passed, in the zone. */
  async lastClosedDay(now: Date = this.deps.now()): Promise<string> {
    const o = this.options()
    return this.deps.db.read(async (db) => {
      const r = await db.raw<{ rows: Array<{ day: string }> }>(
        `SELECT to_char((((:now::timestamptz - make_interval(mins => :settle)) AT TIME ZONE :zone)::date - 1), 'YYYY-MM-DD') AS day`,
        { now, settle: o.settleDelayMinutes, zone: o.timeZone },
      )
      return r.rows[0].day
    })
  }

  async dueDays(now: Date = this.deps.now()): Promise<string[]> {
    const first = await this.firstDay()
    const last = await this.lastClosedDay(now)
    return this.deps.db.read((db) => dueDays(db, first, last, this.options().maxDaysPerTick))
  }

  /** Under the lock only: runs a dead process left `running` become failed, so their days are run again. */
  async failAbandonedRuns(): Promise<number> {
    return this.deps.db.read((db) => failAbandonedRuns(db, this.deps.now()))
  }

  async beginRun(day: string, trigger: RunTrigger, requestedBy: string | null): Promise<RunRow> {
    if (!DAY_PATTERN.test(day)) throw new RangeError(`not a day: ${day}`)
    return this.deps.db.transaction((db) => createRun(db, { day, zone: this.options().timeZone, trigger, requestedBy, now: this.deps.now() }))
  }

  async saveProgress(run: RunRow, progress: Progress): Promise<void> {
    await this.deps.db.read((db) => saveProgress(db, run.id, progress))
  }

  listDayPayments(run: RunRow, after: string, limit: number) {
    return this.deps.db.read((db) => listDayPayments(db, { s: run.window_start, e: run.window_end, after, limit }))
  }

  paymentsBySession(sessionIds: string[]) {
    return this.deps.db.read((db) => paymentsBySession(db, sessionIds))
  }

  async recordMedusaFacts(run: RunRow, facts: MedusaFact[]): Promise<void> {
    await this.deps.db.read((db) => insertMedusaFacts(db, run.id, facts))
  }

  /** how many records the day has on the WaaS's and the ledger's side (the progress bar's denominator) */
  countDay(run: RunRow): Promise<number> {
    return this.deps.db.read((db) => countDay(db, { s: run.window_start, e: run.window_end }))
  }

  /**
   * The compare: one pass per kind of record (pass-sql.ts), each a single statement that joins the day's rows once,
   * writes the kind's breaks and returns its figures, all in one transaction; then the previous result's
   * decisions are carried onto the same breaks. Returns the number of breaks written and the day's figures.
   */
  async compare(run: RunRow): Promise<{ breaks: number } & DayFigures> {
    const b = { run: run.id, day: run.day, s: run.window_start, e: run.window_end }
    return this.deps.db.transaction(async (db) => {
      const result = await dayPasses(db, { ...b, write: true })
      const prev = await previousResult(db, run.day, run.attempt)
      if (prev) await carryDecisions(db, run.id, prev.id)
      return result
    })
  }

  /** The day's figures read again, the same passes without breaks. */
  totals(run: RunRow): Promise<DayFigures> {
    return this.deps.db.read((db) => dayTotals(db, { run: run.id, day: run.day, s: run.window_start, e: run.window_end }))
  }

  /**
   * The figures a finished run keeps: the compare's own, taken with its breaks; read again when the run has
   * healed a break since (a deposit credited, a capture re-driven), so they show the ledger as the run leaves it.
   */
  async figuresAtFinish(run: RunRow, compared: DayFigures | null): Promise<DayFigures> {
    if (compared && !(await this.deps.db.read((db) => hasHealed(db, run.id)))) return compared
    return this.totals(run)
  }

  async finish(run: RunRow, f: Omit<Parameters<typeof finishRun>[2], "now">): Promise<RunRow | null> {
    return this.deps.db.read((db) => finishRun(db, run.id, { ...f, now: this.deps.now() }))
  }

  getRun(id: string, sharedContext: Context = {}): Promise<RunRow | null> {
    return this.deps.db.read((db) => getRun(db, id), sharedContext)
  }

  latestRuns(from: string, to: string): Promise<RunRow[]> {
    return this.deps.db.read((db) => latestRuns(db, from, to))
  }

  /** every day of [from, to], oldest first: its standing run, per-coin volume in and out, breaks open now (one query) */
  trend(from: string, to: string): Promise<TrendDay[]> {
    return this.deps.db.read((db) => reconTrend(db, from, to))
  }

  listBreaks(runId: string, filter: BreakFilter, page: { limit: number; offset: number }) {
    return this.deps.db.read((db) => listBreaks(db, runId, filter, page))
  }

  breaksAfter(runId: string, afterId: string, limit: number, statuses?: BreakStatus[]): Promise<BreakRow[]> {
    return this.deps.db.read((db) => breaksAfter(db, runId, afterId, limit, statuses))
  }

  getBreak(id: string): Promise<BreakRow | null> {
    return this.deps.db.read((db) => getBreak(db, id))
  }

  /** An admin's decision on a break (acknowledged or resolved), with a note; 404 unknown, 409 not allowed from its status. */
  async decide(id: string, to: "acknowledged" | "resolved", note: string, actor: string | null): Promise<BreakRow> {
    const moved = await this.deps.db.read((db) => moveBreak(db, id, to, { note, actor, now: this.deps.now() }))
    if (moved) return moved
    const current = await this.getBreak(id)
    if (!current) throw new BreakDecisionError(404, `no reconciliation break ${id}`)
    throw new BreakDecisionError(409, `break ${id} is ${current.status}; it cannot become ${to} (${BreakMachine.sourcesOf(to).join(" or ")} only)`)
  }

  /** The reconciliation healed an open break (what it did, in words); null when it was no longer open. */
  markHealed(id: string, action: string): Promise<BreakRow | null> {
    return this.deps.db.read((db) => moveBreak(db, id, "healed", { note: null, actor: null, healedAction: action, now: this.deps.now() }))
  }

  feesForOrder(orderId: string): Promise<OrderFees> {
    return this.deps.db.read((db) => orderFees(db, orderId))
  }

  /** a run's export lines (its breaks, then every matched record), in pages: for the streamed CSV */
  exportLines(run: RunRow, cursor: string | null, limit: number): Promise<{ lines: ExportLine[]; next: string | null }> {
    return this.deps.db.read((db) => exportLines(db, run, cursor, limit))
  }
}
