import type { Context } from "@medusajs/framework/types"
import { DepositRecord, formatDecimal, parseDecimal, waasTimeToDate } from "../../../protocol"
import type { ModuleDeps } from "../module-context"
import type { WaasOptions } from "../options"
import { PAYMENT_TABLE, statusList } from "../pool/pool-sql"
import {
  applyDepositFacts,
  ApplyOptions,
  attachDeposit,
  AttachInput,
  DepositApplication,
  DepositSource,
  markDepositForRefund,
} from "./apply-deposit"
import { DEPOSIT_STATUSES_AT_WAAS_NON_FINAL } from "./deposit-states"
import { DEPOSIT_TABLE, DepositFactsRow } from "./ledger-sql"

export interface DepositOptions {
  latePolicy: WaasOptions["latePaymentPolicy"]
  tolerance: string
  pollIntervalSeconds: number
  pollMaxPages: number
}

/** an admin's decision to send a held or orphaned deposit back */
export interface RefundMarkInput {
  deposit_id: string
  actor: string | null
  note: string | null
}

/** Deposits: the WaaS's records pulled by id and applied to the ledger, and the admin's decisions on them. */
export class DepositLedger {
  constructor(private readonly deps: ModuleDeps) {}

  depositOptions(): DepositOptions {
    const o = this.deps.options
    return {
      latePolicy: o.latePaymentPolicy,
      tolerance: o.underpaymentTolerance,
      pollIntervalSeconds: o.depositPollIntervalSeconds,
      pollMaxPages: o.depositPollMaxPages,
    }
  }

  /** The WaaS's own record of a deposit (depositList), or null when it does not know the id. */
  async pullDeposit(waasDepositId: string): Promise<DepositRecord | null> {
    if (!/^\d{1,16}$/.test(waasDepositId)) return null
    const id = Number(waasDepositId)
    const [record] = (await this.deps.client().depositList([id])).filter((r) => r.id === id)
    return record ?? null
  }

  async pullDeposits(waasDepositIds: string[]): Promise<DepositRecord[]> {
    const ids = waasDepositIds.filter((id) => /^\d{1,16}$/.test(id)).map(Number)
    return ids.length ? this.deps.client().depositList(ids) : []
  }

  /** One syncDepositList page: deposits with a WaaS id above `cursor`. */
  async syncDepositsAfter(cursor: string): Promise<DepositRecord[]> {
    return this.deps.client().syncDepositList(Number(cursor))
  }

  /**
   * Applies the WaaS's record of a deposit to the ledger, in one transaction (apply-deposit.ts): the
   * deposit row and the payment that held its address are locked, the credit is an insert the unique
   * index turns into a no-op on any repeat, and the payment's amounts are re-derived from its ledger.
   */
  async applyDeposit(record: DepositRecord, source: DepositSource, sharedContext: Context = {}): Promise<DepositApplication> {
    return this.deps.db.transaction((db) => applyDepositFacts(db, this.factsOf(record), source, this.applyOptions()), sharedContext)
  }

  /** An admin credits a held or orphaned deposit to a payment (same ledger, same locks). */
  async attachDeposit(input: AttachInput, sharedContext: Context = {}): Promise<DepositApplication> {
    return this.deps.db.transaction((db) => attachDeposit(db, input, this.applyOptions()), sharedContext)
  }

  /** An admin sends a held or orphaned deposit back (the withdrawal flow pays refund_pending deposits). */
  async markDepositForRefund(input: RefundMarkInput, sharedContext: Context = {}): Promise<DepositApplication> {
    return this.deps.db.transaction((db) => markDepositForRefund(db, input, this.applyOptions()), sharedContext)
  }

  /** WaaS deposit ids of deposits the WaaS has not finished (the poller re-reads them). */
  async listDepositIdsAwaitingWaas(limit: number, sharedContext: Context = {}): Promise<string[]> {
    const result = await this.deps.db.read(
      (db) =>
        db.raw<{ rows: Array<{ waas_deposit_id: string }> }>(
          `SELECT waas_deposit_id FROM ${DEPOSIT_TABLE}
            WHERE status IN (${statusList(DEPOSIT_STATUSES_AT_WAAS_NON_FINAL)}) AND deleted_at IS NULL
            ORDER BY updated_at ASC LIMIT :limit`,
          { limit },
        ),
      sharedContext,
    )
    return result.rows.map((r) => r.waas_deposit_id)
  }

  /** Paid or overpaid payments whose Medusa payment has not been captured yet (an earlier capture failed). */
  async listSettledPaymentsNotCaptured(limit: number, sharedContext: Context = {}): Promise<string[]> {
    const result = await this.deps.db.read(
      (db) =>
        db.raw<{ rows: Array<{ id: string }> }>(
          `SELECT id FROM ${PAYMENT_TABLE}
            WHERE status IN ('paid', 'overpaid') AND medusa_captured_at IS NULL AND deleted_at IS NULL
            ORDER BY updated_at ASC LIMIT :limit`,
          { limit },
        ),
      sharedContext,
    )
    return result.rows.map((r) => r.id)
  }

  async markMedusaCaptured(id: string, sharedContext: Context = {}): Promise<void> {
    await this.deps.db.read(
      (db) =>
        db.raw(
          `UPDATE ${PAYMENT_TABLE} SET medusa_captured_at = now(), updated_at = now() WHERE id = ? AND medusa_captured_at IS NULL`,
          [id],
        ),
      sharedContext,
    )
  }

  private applyOptions(): ApplyOptions {
    const o = this.deps.options
    return { latePolicy: o.latePaymentPolicy, tolerance: o.underpaymentTolerance, now: this.deps.now() }
  }

  /** A pulled WaaS record as ledger facts: canonical amount, dates (list records carry epoch ms). */
  private factsOf(record: DepositRecord): DepositFactsRow {
    const offset = this.deps.options.callbackUtcOffsetMinutes
    return {
      waas_deposit_id: String(record.id),
      symbol: record.symbol,
      address_to: record.address_to,
      amount: formatDecimal(parseDecimal(record.amount)),
      txid: record.txid,
      confirmations: record.confirmations,
      waas_status: record.status,
      waas_created_at: waasTimeToDate(record.created_at, offset),
      waas_updated_at: waasTimeToDate(record.updated_at, offset),
    }
  }
}
