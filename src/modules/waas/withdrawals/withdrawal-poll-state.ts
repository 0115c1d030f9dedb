import type { Context } from "@medusajs/framework/types"
import { withAdvisoryLock } from "../db-context"
import { advanceCursor, isCursorDue, readCursor, touchCursor } from "../deposits/cursor-sql"
import type { ModuleDeps } from "../module-context"

/** key of the advisory lock that keeps two instances from polling withdrawals at once */
const WITHDRAWAL_POLL_LOCK_KEY = "medusa-plugin-waas:poll-withdrawals"
/** the syncWithdrawList cursor (waas_sync_cursor.name) */
const WITHDRAWAL_CURSOR = "withdrawals"

/** The withdrawal poller's shared state, the same machinery as the deposit poller's (deposits/cursor-sql.ts). */
export class WithdrawalPollState {
  constructor(private readonly deps: ModuleDeps) {}

  async withLock(fn: () => Promise<void>, sharedContext: Context = {}): Promise<boolean> {
    return (await this.deps.db.read((db) => withAdvisoryLock(db, WITHDRAWAL_POLL_LOCK_KEY, fn), sharedContext)).acquired
  }

  isDue(sharedContext: Context = {}): Promise<boolean> {
    return this.deps.db.read((db) => isCursorDue(db, WITHDRAWAL_CURSOR, this.deps.options.withdrawals.pollIntervalSeconds), sharedContext)
  }

  async markRun(sharedContext: Context = {}): Promise<void> {
    await this.deps.db.read((db) => touchCursor(db, WITHDRAWAL_CURSOR), sharedContext)
  }

  cursor(sharedContext: Context = {}): Promise<string> {
    return this.deps.db.read((db) => readCursor(db, WITHDRAWAL_CURSOR), sharedContext)
  }

  async advance(from: string, to: string, sharedContext: Context = {}): Promise<void> {
    await this.deps.db.read((db) => advanceCursor(db, WITHDRAWAL_CURSOR, from, to), sharedContext)
  }
}
