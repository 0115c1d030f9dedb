import type { Context } from "@medusajs/framework/types"
import type { KeyObject } from "node:crypto"
import { loadPublicKey, Notification } from "../../../protocol"
import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { ModuleDeps } from "../module-context"
import {
  CallbackListState,
  CallbackSide,
  claimCallbackRow,
  claimCallbackRows,
  ClaimedCallback,
  completeCallbackRow,
  completeCallbackRows,
  listCallbackRows,
  listPendingCallbackIds,
  listPendingCallbackRows,
  recordCallbackFailureRow,
  recordCallbackRow,
  RecordedCallback,
  releaseCallbackRow,
  reopenCallbackRow,
} from "./inbox-sql"
import { RecordPool } from "./record-pool"

/** how long a processor may hold a callback before another one may take it over */
const CALLBACK_LEASE_SECONDS = 60

export interface CallbackCheck {
  appId: string
  waasPublicKey: KeyObject
  decimalsOf(symbol: string): number | undefined
}

/** The callback inbox: what the notify route records before it answers, and what processors claim. */
export class CallbackInbox {
  private waasKey: KeyObject | null = null
  private readonly recordPool: RecordPool

  constructor(private readonly deps: ModuleDeps) {
    this.recordPool = new RecordPool(deps.options.callbackRecordPoolSize, deps.options.callbackDbTimeoutMs)
  }

  /** What the notify route checks a callback against: the app_id, the WaaS public key, the coins' decimals. */
  callbackCheck(): CallbackCheck {
    const { options } = this.deps
    this.waasKey ??= loadPublicKey(options.waasPublicKey)
    return {
      appId: options.appId,
      waasPublicKey: this.waasKey,
      decimalsOf: (symbol) => options.coins.find((c) => c.symbol === symbol)?.decimals,
    }
  }

  /**
   * Records a verified notification in the inbox, durably, before the route answers SUCCESS: one row per
   * (side, WaaS id), a repeat only bumps its count and keeps the last payload. One autocommit upsert on the
   * route's own small pool (record-pool.ts), whose connections carry callbackDbTimeoutMs as their statement
   * and lock timeout; the same bound limits the wait for a connection. A database that is down or a blocked
   * table holds the WaaS's connection only that long: it then gets a FAILURE and retries later. Inside a
   * caller's transaction the upsert joins it.
   */
  async record(notification: Notification, sharedContext: Context = {}): Promise<RecordedCallback> {
    const { side, id, status } = notification
    const write = (db: Knex) =>
      recordCallbackRow(db, {
        side,
        waasId: String(id),
        status,
        payload: notification as unknown as Record<string, unknown>,
        now: this.deps.now(),
      })
    const joins = Boolean(sharedContext.transactionManager || sharedContext.manager)
    // the pool, once built, needs nothing of Medusa's context
    if (!joins && this.recordPool.ready) return this.recordPool.run(null, write)
    return this.deps.db.read((knex) => (knex.isTransaction ? write(knex) : this.recordPool.run(knex, write)), sharedContext)
  }

  /** closes the record pool (application shutdown) */
  async close(): Promise<void> {
    await this.recordPool.destroy()
  }

  async claim(id: string, side: CallbackSide, sharedContext: Context = {}): Promise<ClaimedCallback | null> {
    return this.deps.db.read((db) => claimCallbackRow(db, { id, side, leaseSeconds: CALLBACK_LEASE_SECONDS }), sharedContext)
  }

  async complete(id: string, seenCount: number, outcome: string, sharedContext: Context = {}): Promise<{ more: boolean }> {
    return this.deps.db.read((db) => completeCallbackRow(db, { id, seenCount, outcome }), sharedContext)
  }

  /** The leases of a page of rows, in one statement; the rows another processor holds are not among them. */
  async claimMany(ids: readonly string[], side: CallbackSide, sharedContext: Context = {}): Promise<ClaimedCallback[]> {
    return this.deps.db.read((db) => claimCallbackRows(db, { ids, side, leaseSeconds: CALLBACK_LEASE_SECONDS }), sharedContext)
  }

  /** A page's runs done, in one statement: by id, whether more deliveries arrived meanwhile. */
  async completeMany(
    entries: ReadonlyArray<{ id: string; seenCount: number; outcome: string }>,
    sharedContext: Context = {},
  ): Promise<Map<string, { more: boolean }>> {
    return this.deps.db.read((db) => completeCallbackRows(db, entries), sharedContext)
  }

  async release(id: string, error: string | null, sharedContext: Context = {}): Promise<void> {
    await this.deps.db.read((db) => releaseCallbackRow(db, { id, error }), sharedContext)
  }

  /** A processing run failed for good: counted, and the sweep's next attempt scheduled (retry-schedule.ts). */
  async recordFailure(id: string, error: string, sharedContext: Context = {}): Promise<void> {
    await this.deps.db.read((db) => recordCallbackFailureRow(db, { id, error }), sharedContext)
  }

  /** For the admin API: callbacks by state (pending, failing, all) with their processing history. */
  async listByState(state: CallbackListState, page: { limit: number; offset: number }, sharedContext: Context = {}) {
    return this.deps.db.read((db) => listCallbackRows(db, { state, ...page }), sharedContext)
  }

  async listPending(side: CallbackSide, limit: number, sharedContext: Context = {}): Promise<string[]> {
    return this.deps.db.read((db) => listPendingCallbackIds(db, { side, limit }), sharedContext)
  }

  async listPendingRows(side: CallbackSide, limit: number, sharedContext: Context = {}): Promise<Array<{ id: string; failures: number }>> {
    return this.deps.db.read((db) => listPendingCallbackRows(db, { side, limit }), sharedContext)
  }

  /** Makes a processed callback pending again (an admin's re-run). false when it does not exist. */
  async reopen(id: string, sharedContext: Context = {}): Promise<boolean> {
    return this.deps.db.read((db) => reopenCallbackRow(db, id), sharedContext)
  }
}
