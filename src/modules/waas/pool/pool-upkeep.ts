import type { Context } from "@medusajs/framework/types"
import { withAdvisoryLock } from "../db-context"
import type { ModuleDeps } from "../module-context"
import type { PoolStats } from "../types"
import { countAccounts } from "./account-sql"
import { coolingUntil, quarantineTarget } from "./address-release"
import { POOL_ADDRESS_STATUSES, PoolAddressStatus } from "./address-states"
import { countAddressesByStatus, endCooling, releaseAddressesAfterMonitoring } from "./pool-sql"
import { provisionerFor } from "./provisioner"
import { fillAtBoot } from "./boot-fill"
import { refillCoins, RefillReport } from "./refill"
import { insertRefillRun, lastRefillRuns, RefillRunRow, RefillTrigger } from "./refill-runs-sql"

/** key of the Postgres advisory lock that keeps two refill runs from registering a batch each */
export const REFILL_LOCK_KEY = "medusa-plugin-waas:refill-address-pool"

const SHUTTING_DOWN = "the application is shutting down"

/** how many addresses one upkeep run moved, by where they went */
export interface AddressUpkeepReport {
  cooling: number
  retired: number
  available: number
}

/** The pool's upkeep, for the jobs and the admin: refill, the addresses' return after quarantine, counts. */
export class PoolUpkeep {
  constructor(private readonly deps: ModuleDeps) {}

  /** starts a refill now, in the background, unless `refillOnBoot` is off or this instance runs no jobs */
  fillAtBoot(): void {
    fillAtBoot(this.deps, () => this.refillPool({}))
  }

  /**
   * Tops every enabled coin (or the given ones) up to its low watermark. Only one run at a time does
   * work: a Postgres advisory lock (held by a session of its own for the run, db-context.ts) makes a
   * concurrent run return `skipped`, as does a shutdown in progress. Correctness does not depend
   * on the lock: unique emails, one address per account and unique (symbol, address) keep even
   * overlapping runs from duplicating anything.
   */
  async refillPool(
    opts: { symbols?: string[]; trigger?: RefillTrigger; actor?: string | null },
    sharedContext: Context = {},
  ): Promise<RefillReport> {
    const report = await this.refillOnce(opts, sharedContext)
    if (report.skipped === SHUTTING_DOWN) return report
    // the run's log, for the admin; written after the run, inside the shutdown gate: a shutdown waits for the
    // write, and a run that a shutdown cut short is not logged into a pool being torn down. Losing it loses a
    // line on a screen, never an address, so a failure to write it is logged and the run's report still returned.
    await this.deps.shutdown
      .run(() => this.deps.db.read((db) => insertRefillRun(db, { trigger: opts.trigger ?? "job", actor: opts.actor ?? null, report }), sharedContext))
      .catch((e: Error) => this.deps.logger.warn(`medusa-plugin-waas: the refill run was not logged (${e.message})`))
    return report
  }

  /** the newest refill run, and the newest that was not skipped */
  lastRefillRuns(sharedContext: Context = {}): Promise<{ last: RefillRunRow | null; lastCompleted: RefillRunRow | null }> {
    return this.deps.db.read((db) => lastRefillRuns(db), sharedContext)
  }

  private async refillOnce(opts: { symbols?: string[] }, sharedContext: Context): Promise<RefillReport> {
    const { options, logger } = this.deps
    return this.deps.db.read(async (db) => {
      const coins = options.coins.filter((c) => c.enabled && (!opts.symbols || opts.symbols.includes(c.symbol)))
      const run = (signal: AbortSignal) =>
        refillCoins({ db, coins, provisioner: provisionerFor(this.deps, db), userCap: options.userCap, logger, signal })
      const gated = await this.deps.shutdown.run((signal) => withAdvisoryLock(db, REFILL_LOCK_KEY, () => run(signal)))
      if (!gated.ran) return { skipped: SHUTTING_DOWN, coins: [] }
      const result = gated.value
      if (result.acquired) return result.value
      return {
        skipped: "another refill run holds the lock",
        users: { count: await countAccounts(db), cap: options.userCap },
        coins: [],
      }
    }, sharedContext)
  }

  /**
   * Address upkeep after payments: addresses of payments past monitor_until go into quarantine (cooling)
   * or retirement (addressReuse "never"); cooled addresses whose quarantine is over become available.
   */
  async releaseCooledAddresses(now: Date, sharedContext: Context = {}): Promise<AddressUpkeepReport> {
    const reuse = this.deps.options.addressReuse
    const target = quarantineTarget(reuse)
    return this.deps.db.read(async (db) => {
      const moved = await releaseAddressesAfterMonitoring(db, {
        now,
        to: target,
        coolingUntil: target === "cooling" ? coolingUntil(reuse, now) : null,
      })
      const ended = await endCooling(db, { now, to: target === "cooling" ? "available" : "retired" })
      return {
        cooling: target === "cooling" ? moved : 0,
        retired: target === "retired" ? moved + ended : 0,
        available: target === "cooling" ? ended : 0,
      }
    }, sharedContext)
  }

  async poolStats(sharedContext: Context = {}): Promise<PoolStats> {
    const { options } = this.deps
    return this.deps.db.read(async (db) => {
      const counts = await countAddressesByStatus(db)
      const symbols = new Set([...options.coins.map((c) => c.symbol), ...counts.map((c) => c.symbol)])
      const coins = [...symbols].map((symbol) => {
        const coin = options.coins.find((c) => c.symbol === symbol)
        const byStatus = Object.fromEntries(POOL_ADDRESS_STATUSES.map((s) => [s, 0])) as Record<PoolAddressStatus, number>
        for (const c of counts) if (c.symbol === symbol) byStatus[c.status] = c.count
        return { symbol, enabled: coin?.enabled ?? false, low_watermark: coin?.poolLowWatermark ?? 0, ...byStatus }
      })
      return { coins, users: { count: await countAccounts(db), cap: options.userCap } }
    }, sharedContext)
  }
}
