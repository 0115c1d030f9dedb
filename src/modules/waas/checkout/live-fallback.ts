import { LiveFetchTimeout, NoDepositAddressError, publicWaasFailure } from "../errors"
import type { ModuleDeps } from "../module-context"
import { takeLiveFetchSlot } from "../pool/live-fetch-budget"
import { poolEverFilled } from "../pool/pool-sql"
import { provisionerFor } from "../pool/provisioner"
import { withTimeout } from "../with-timeout"

/** Thrown inside a claim transaction to roll it back when the pool has nothing for the symbol. */
export class PoolEmptySignal extends Error {}

/**
 * How long an address fetched live stays reserved for its checkout beyond the fetch's own timeout: the
 * checkout claims it right after storing it, so this only has to outlast a slow transaction. A checkout
 * that crashed in between strands it no longer than that; then it is an ordinary pool address.
 */
const RESERVATION_SLACK_MS = 60_000

/**
 * The checkout's way out when the pool is empty: fetch ONE address from the WaaS now, within the store's
 * live-fetch budget, reserved for this checkout. Never in bulk (that is the refill job's) and never
 * unbounded: past the budget, or when the WaaS fails, the checkout fails with NoDepositAddressError
 * (a 503 at the store API).
 */
export class LiveFallback {
  constructor(private readonly deps: ModuleDeps) {}

  /**
   * Runs `attempt` against the pool; if the pool is empty, takes a slot of the live-fetch budget, fetches
   * one address for `sessionId` (bounded by liveFetchTimeoutMs) and runs `attempt` again, whose claim
   * then finds that address reserved for it.
   */
  async run<T>(symbol: string, sessionId: string, attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt()
    } catch (e) {
      if (!(e instanceof PoolEmptySignal)) throw e
    }
    const { logger, options } = this.deps
    // The advice to raise the watermark fits a pool that was filled and used up, not one that was never
    // filled (a fresh store whose first fill at boot is still running, or could not reach the WaaS).
    if (await this.deps.db.read((db) => poolEverFilled(db, symbol))) {
      logger.warn(
        `medusa-plugin-waas: the ${symbol} address pool ran dry at checkout. Raise poolLowWatermark or run the refill more often.`,
      )
    } else {
      logger.info(
        `medusa-plugin-waas: the ${symbol} address pool has not been filled yet (the refill runs at boot and every 5 minutes); ` +
          "fetching one address live for this checkout",
      )
    }
    const budget = options.liveFetchBudgetPerMinute
    const granted = await this.deps.db.read((db) =>
      takeLiveFetchSlot(db, { now: this.deps.now(), budgetPerMinute: budget, symbol, sessionId }),
    )
    if (!granted) {
      logger.warn(`medusa-plugin-waas: live ${symbol} address fetch refused: liveFetchBudgetPerMinute (${budget}) is used up`)
      throw NoDepositAddressError.budgetUsedUp(symbol, budget)
    }
    const ms = options.liveFetchTimeoutMs
    try {
      await withTimeout(this.provisionFor(symbol, sessionId), ms, () => new LiveFetchTimeout(ms))
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e)
      logger.error(`medusa-plugin-waas: live ${symbol} address fetch failed at checkout: ${detail}`)
      throw NoDepositAddressError.waasFailed(symbol, publicWaasFailure(e, ms), detail)
    }
    try {
      return await attempt()
    } catch (e) {
      if (!(e instanceof PoolEmptySignal)) throw e
      // only if this checkout outlived its reservation and another one took the address meanwhile
      throw new NoDepositAddressError(symbol, "the address fetched from the WaaS for this checkout was taken after its reservation lapsed")
    }
  }

  private async provisionFor(symbol: string, sessionId: string): Promise<void> {
    const until = new Date(this.deps.now().getTime() + this.deps.options.liveFetchTimeoutMs + RESERVATION_SLACK_MS)
    await this.deps.db.read((db) => provisionerFor(this.deps, db).provisionNew(symbol, { sessionId, until }))
  }
}
