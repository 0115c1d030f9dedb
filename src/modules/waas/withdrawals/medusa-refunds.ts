import type { Context } from "@medusajs/framework/types"
import type { ModuleDeps } from "../module-context"
import * as sql from "./medusa-refund-sql"
import type { WithdrawalRow } from "./withdrawal-sql"

/**
 * The Medusa side of completed payment refunds (medusa-refund-sql.ts): the provider's claim, and what the
 * recorder reads and marks. Reached as `withdrawals().medusaRefunds`.
 */
export class MedusaRefunds {
  constructor(private readonly deps: ModuleDeps) {}

  /** refundPayment's claim: a completed, unrecorded withdrawal of the session with that fiat amount */
  claim(args: { payment_session_id: string; amount: string; refund_id: string }, sharedContext: Context = {}): Promise<WithdrawalRow | null> {
    return this.deps.db.transaction((trx) => sql.claimForMedusaRefund(trx, { ...args, now: this.deps.now() }), sharedContext)
  }

  sessionsDue(limit: number, sharedContext: Context = {}): Promise<string[]> {
    return this.deps.db.read((db) => sql.listSessionsWithRefundsDue(db, limit), sharedContext)
  }

  due(paymentSessionId: string, sharedContext: Context = {}): Promise<WithdrawalRow[]> {
    return this.deps.db.read((db) => sql.listRefundsDue(db, paymentSessionId), sharedContext)
  }

  markRecorded(row: WithdrawalRow, sharedContext: Context = {}): Promise<boolean> {
    return this.deps.db.read((db) => sql.markMedusaRefunded(db, row, this.deps.now()), sharedContext)
  }

  releaseStaleClaim(row: WithdrawalRow, sharedContext: Context = {}): Promise<boolean> {
    return this.deps.db.read((db) => sql.releaseStaleClaim(db, row, this.deps.now()), sharedContext)
  }
}
