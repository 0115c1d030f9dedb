import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { Context } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import type { ModuleDeps } from "../module-context"
import {
  acknowledgeReversal,
  assertAwaitingDecision,
  attachDeposit,
  AttachInput,
  DecisionInput,
  markDepositForRefund,
  WaasReading,
  waasReadingOf,
} from "./admin-decisions"
import type { ApplyOptions, DepositApplication } from "./application"
import type { DepositLedger } from "./deposit-ledger"
import type { DepositLedgerStatus } from "./deposit-states"
import { DEPOSIT_TABLE } from "./ledger-sql"
import type { PulledDeposit } from "./pulled-deposit"

/** An admin's decisions on deposits waiting for one (held, orphaned, parked, reversed), each under the ledger's locks. */
export class DepositDecisions {
  constructor(
    private readonly deps: ModuleDeps,
    private readonly ledger: DepositLedger,
  ) {}

  /** Credits a held, orphaned or parked deposit to a payment, only if the WaaS, asked again now, reports it successful. */
  async attach(input: AttachInput, sharedContext: Context = {}): Promise<DepositApplication> {
    const waas = await this.readForDecision(input.deposit_id, sharedContext)
    return this.decide((trx, o) => attachDeposit(trx, { ...input, waas }, o), sharedContext)
  }

  /** Sends a deposit the WaaS reports received back (the withdrawal flow pays refund_pending deposits). */
  async markForRefund(input: DecisionInput, sharedContext: Context = {}): Promise<DepositApplication> {
    const waas = await this.readForDecision(input.deposit_id, sharedContext)
    return this.decide((trx, o) => markDepositForRefund(trx, { ...input, waas }, o), sharedContext)
  }

  /** The admin has dealt with a reversed deposit: it leaves the review queue. */
  async acknowledgeReversal(input: DecisionInput, sharedContext: Context = {}): Promise<DepositApplication> {
    return this.decide((trx, o) => acknowledgeReversal(trx, input, o), sharedContext)
  }

  private decide(run: (trx: Knex.Transaction, o: ApplyOptions) => Promise<DepositApplication>, sharedContext: Context) {
    return this.deps.db.transaction((trx) => run(trx, this.ledger.applyOptions()), sharedContext)
  }

  /**
   * What the WaaS says of a deposit right now, for an admin's decision: asked BEFORE the decision's transaction
   * (no row is locked while waiting on the WaaS). A deposit not waiting for a decision is refused first; a WaaS
   * that cannot be asked refuses the decision too, changing nothing.
   */
  private async readForDecision(depositId: string, sharedContext: Context): Promise<WaasReading> {
    const { rows } = await this.deps.db.read(
      (db) =>
        db.raw<{ rows: Array<{ id: string; status: DepositLedgerStatus; waas_deposit_id: string }> }>(
          `SELECT id, status, waas_deposit_id FROM ${DEPOSIT_TABLE} WHERE id = ? AND deleted_at IS NULL`,
          [depositId],
        ),
      sharedContext,
    )
    const row = rows[0]
    if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `deposit ${depositId} does not exist`)
    assertAwaitingDecision(row)
    let pulled: PulledDeposit | null
    try {
      pulled = await this.ledger.pullDeposit(row.waas_deposit_id)
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e)
      throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `deposit ${depositId} could not be re-read from the WaaS (${why}); nothing was changed`)
    }
    return waasReadingOf(pulled, this.deps.options.callbackUtcOffsetMinutes)
  }
}
