import type { Context } from "@medusajs/framework/types"
import { withAdvisoryLock } from "../db-context"
import type { ModuleDeps } from "../module-context"
import { advanceCursor, isCursorDue, readCursor, touchCursor } from "./cursor-sql"
import { depositSyncStart } from "./sync-start-sql"

/** key of the Postgres advisory lock that keeps two instances from polling deposits at once */
const DEPOSIT_POLL_LOCK_KEY = "medusa-plugin-waas:poll-deposits"
/** the sync cursor of syncDepositList (waas_sync_cursor.name) */
const DEPOSIT_CURSOR = "deposits"

/** The deposit poller's shared state: its lock across instances, its interval and its syncDepositList cursor. */
export class DepositPollState {
  constructor(private readonly deps: ModuleDeps) {}

  /**
   * Runs `fn` while holding the poll's advisory lock; false (without running it) when another instance
   * holds it or shutdown has begun. The lock is a session's of its own (db-context.ts), so a crashed poller
   * releases it with its connection. `signal` aborts when shutdown begins: stop between steps.
   */
  async withLock(fn: (signal: AbortSignal) => Promise<void>, sharedContext: Context = {}): Promise<boolean> {
    const gated = await this.deps.db.read(
      (db) => this.deps.shutdown.run((signal) => withAdvisoryLock(db, DEPOSIT_POLL_LOCK_KEY, () => fn(signal))),
      sharedContext,
    )
    return gated.ran && gated.value.acquired
  }

  async isDue(sharedContext: Context = {}): Promise<boolean> {
    const seconds = this.deps.options.depositPollIntervalSeconds
    return this.deps.db.read((db) => isCursorDue(db, DEPOSIT_CURSOR, seconds, this.start()), sharedContext)
  }

  async markRun(sharedContext: Context = {}): Promise<void> {
    await this.deps.db.read((db) => touchCursor(db, DEPOSIT_CURSOR, this.start()), sharedContext)
  }

  async cursor(sharedContext: Context = {}): Promise<string> {
    return this.deps.db.read((db) => readCursor(db, DEPOSIT_CURSOR, this.start()), sharedContext)
  }

  /** where the cursor starts when whichever of these calls comes first creates it (sync-start-sql.ts) */
  private start() {
    return depositSyncStart(this.deps.options.depositSyncStartAfter)
  }

  /** Moves the syncDepositList cursor forward from `from` (compare-and-set); only after a page is applied. */
  async advance(from: string, to: string, sharedContext: Context = {}): Promise<void> {
    await this.deps.db.read((db) => advanceCursor(db, DEPOSIT_CURSOR, from, to), sharedContext)
  }
}
