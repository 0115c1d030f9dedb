import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { REFILL_LOCK_KEY } from "../../src/modules/waas/pool/pool-upkeep"

/**
 * Keeps the scheduled refill job (every 5 minutes by the wall clock, src/jobs/refill-address-pool.ts) out of a
 * test that counts the pool: the guard holds the refill's own advisory lock in a transaction of the test's, so a
 * run that fires meanwhile finds "another refill run holds the lock" and changes nothing.
 */
export class RefillGuard {
  private held: Knex.Transaction | null = null

  constructor(private readonly db: () => Knex) {}

  async hold(): Promise<void> {
    if (this.held) return
    const tx = await this.db().transaction()
    await tx.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [REFILL_LOCK_KEY])
    this.held = tx
  }

  async release(): Promise<void> {
    const tx = this.held
    this.held = null
    await tx?.rollback()
  }
}

