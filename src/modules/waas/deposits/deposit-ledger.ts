import type { Context } from "@medusajs/framework/types"
import type { DepositRecord } from "../../../protocol"
import type { ModuleDeps } from "../module-context"
import type { WaasOptions } from "../options"
import { PAYMENT_TABLE } from "../pool/pool-sql"
import { preparedRaw } from "../prepared-sql"
import { applyDepositFacts } from "./apply-deposit"
import { applyDepositPage, type PageEntry } from "./apply-page"
import { sqlLedgerOps } from "./ledger-ops"
import { applyPageSetBased } from "./page-ledger"
import type { ApplyOptions, CapturablePayment, DepositApplication, DepositSource } from "./application"
import { parkDepositFacts } from "./park-deposit"
import { factsOfRecord, factsOfUnreadable, PulledDeposit, readDepositRows, waasIdOf } from "./pulled-deposit"
import { listDepositsToReread, markReread, RereadRow } from "./reread-sql"
import { listAppliedUnchanged } from "./unchanged-sql"

export interface DepositOptions {
  latePolicy: WaasOptions["latePaymentPolicy"]
  tolerance: string
  pollIntervalSeconds: number
  pollMaxPages: number
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

  /**
   * The WaaS's own record of a deposit (depositList), or null when it does not know the id. Each record is
   * validated on its own (pulled-deposit.ts): a malformed one comes back `unreadable`, to be parked.
   */
  async pullDeposit(waasDepositId: string): Promise<PulledDeposit | null> {
    if (!/^\d{1,16}$/.test(waasDepositId)) return null
    const id = String(Number(waasDepositId))
    const { deposits } = readDepositRows(await this.deps.client().depositListRows([Number(id)]))
    return deposits.find((d) => waasIdOf(d) === id) ?? null
  }

  async pullDeposits(waasDepositIds: string[]): Promise<PulledDeposit[]> {
    const ids = waasDepositIds.filter((id) => /^\d{1,16}$/.test(id)).map(Number)
    return ids.length ? readDepositRows(await this.deps.client().depositListRows(ids)).deposits : []
  }

  /** One syncDepositList page: deposits with a WaaS id above `cursor`, ascending; `unidentified`: rows without a readable id. */
  async syncDepositsAfter(cursor: string): Promise<{ deposits: PulledDeposit[]; unidentified: number }> {
    return readDepositRows(await this.deps.client().syncDepositListRows(Number(cursor)))
  }

  /**
   * The WaaS ids of a sync page whose records the ledger already holds with the same facts (unchanged-sql.ts):
   * one query for the page. Unreadable records, and records whose facts cannot be derived, are never among them.
   */
  async listAppliedUnchanged(pulled: readonly PulledDeposit[], sharedContext: Context = {}): Promise<Set<string>> {
    const offset = this.deps.options.callbackUtcOffsetMinutes
    const facts = pulled.flatMap((p) => {
      if (p.kind !== "record") return []
      try {
        return [factsOfRecord(p.record, offset)]
      } catch {
        return []
      }
    })
    return this.deps.db.read((db) => listAppliedUnchanged(db, facts), sharedContext)
  }

  /**
   * Applies the WaaS's record of a deposit to the ledger, in one transaction (apply-deposit.ts): the
   * deposit row and the payment that held its address are locked, the credit is an insert the unique
   * index turns into a no-op on any repeat, and the payment's amounts are re-derived from its ledger.
   */
  async applyDeposit(record: DepositRecord, source: DepositSource, sharedContext: Context = {}): Promise<DepositApplication> {
    const facts = factsOfRecord(record, this.deps.options.callbackUtcOffsetMinutes)
    return this.deps.db.transaction((db) => applyDepositFacts(sqlLedgerOps(db), facts, source, this.applyOptions()), sharedContext)
  }

  /**
   * A page of pulled deposits applied to the ledger in WaaS id order (apply-page.ts): each as applyDeposit does, the
   * unapplicable ones parked, a transient failure reported (and, with stopAtFailure, the rest of the page not tried).
   */
  async applyPage(pulled: readonly PulledDeposit[], source: DepositSource, opts: { stopAtFailure: boolean }): Promise<PageEntry[]> {
    const setBased = await this.applyPageSetBased(pulled, source)
    if (setBased) return setBased
    const ledger = {
      applyPulledRecord: (p: Extract<PulledDeposit, { kind: "record" }>, s: DepositSource) => this.applyDeposit(p.record, s),
      parkDeposit: (p: PulledDeposit, s: DepositSource, reason: string) => this.parkDeposit(p, s, reason),
    }
    return applyDepositPage(ledger, this.deps.logger, pulled, source, opts)
  }

  /**
   * The page in one transaction and a handful of statements (page-ledger.ts), or null when it is to be applied a
   * deposit at a time: a page of one (the single path is as short), an unreadable record or one whose facts cannot be
   * derived (to be parked), or anything the page's transaction threw (a record the rules cannot apply, a lock
   * conflict), after which it was rolled back whole and the per-deposit path parks or reports each as its own.
   */
  private async applyPageSetBased(pulled: readonly PulledDeposit[], source: DepositSource): Promise<PageEntry[] | null> {
    if (pulled.length < 2) return null
    const offset = this.deps.options.callbackUtcOffsetMinutes
    let facts
    try {
      facts = pulled.map((p) => {
        if (p.kind !== "record") throw new Error(`deposit ${p.waas_deposit_id} is unreadable`)
        return factsOfRecord(p.record, offset)
      })
    } catch {
      return null
    }
    try {
      const o = this.applyOptions()
      const applications = await this.deps.db.transaction((db) => applyPageSetBased(db, facts, source, o))
      return applications.map((application) => ({
        waas_deposit_id: application.waas_deposit_id,
        kind: "applied" as const,
        application,
        parked: application.after === "needs_review",
      }))
    } catch (e) {
      this.deps.logger.debug(`medusa-plugin-waas: a page of ${pulled.length} deposits is applied one at a time (${e instanceof Error ? e.message : String(e)})`)
      return null
    }
  }

  /**
   * Parks a deposit whose record could not be applied (needs_review, with the reason), in its own transaction,
   * so nothing behind it waits (park-deposit.ts).
   */
  async parkDeposit(pulled: PulledDeposit, source: DepositSource, reason: string, sharedContext: Context = {}): Promise<DepositApplication> {
    const o = this.applyOptions()
    const offset = this.deps.options.callbackUtcOffsetMinutes
    const facts = pulled.kind === "record" ? factsOfRecord(pulled.record, offset) : factsOfUnreadable(pulled, offset, o.now)
    return this.deps.db.transaction(
      (db) => parkDepositFacts(db, { facts, readable: pulled.kind === "record", reason, source }, o),
      sharedContext,
    )
  }

  /** What the poller re-reads: unfinished at the WaaS, or waiting for an admin (reread-sql.ts). */
  async listDepositsToReread(limit: number, sharedContext: Context = {}): Promise<RereadRow[]> {
    return this.deps.db.read((db) => listDepositsToReread(db, limit), sharedContext)
  }

  async markDepositsReread(waasDepositIds: string[], sharedContext: Context = {}): Promise<void> {
    await this.deps.db.read((db) => markReread(db, waasDepositIds), sharedContext)
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
        preparedRaw(
          db,
          "payment_mark_captured_v1",
          `UPDATE ${PAYMENT_TABLE} SET medusa_captured_at = now(), updated_at = now() WHERE id = ? AND medusa_captured_at IS NULL`,
          [id],
        ),
      sharedContext,
    )
  }

  /**
   * What Medusa's capture of a payment decides on, read fresh in one statement (no ORM): its status, whether the
   * capture in Medusa has been recorded, its session and its fiat amount exactly as stored (raw_fiat_amount).
   */
  async readCapturable(id: string, sharedContext: Context = {}): Promise<CapturablePayment | null> {
    const result = await this.deps.db.read(
      (db) =>
        preparedRaw<{ rows: CapturablePayment[] }>(
          db,
          "payment_capturable_v1",
          `SELECT id, payment_session_id, status, medusa_captured_at IS NOT NULL AS medusa_captured,
                  COALESCE(raw_fiat_amount->>'value', fiat_amount::text) AS fiat_amount
             FROM ${PAYMENT_TABLE} WHERE id = ? AND deleted_at IS NULL`,
          [id],
        ),
      sharedContext,
    )
    return result.rows[0] ?? null
  }

  applyOptions(): ApplyOptions {
    const o = this.deps.options
    return { latePolicy: o.latePaymentPolicy, tolerance: o.underpaymentTolerance, graceSeconds: o.depositClockGraceSeconds, now: this.deps.now() }
  }
}
