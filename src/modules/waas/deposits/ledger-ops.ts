import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { findAddressHolder } from "./address-holder-sql"
import {
  insertCredit,
  insertDepositIfNew,
  lockDepositByWaasId,
  lockPayment,
  readPaymentLedger,
  refreshDepositFacts,
  updateDepositRow,
  updatePaymentSettlement,
  type DepositFactsRow,
  type DepositRow,
  type LedgerRows,
  type PaymentRow,
} from "./ledger-sql"
import { insertReversal, readCreditEntry, type CreditEntry } from "./reversal-sql"

type Args<F> = F extends (trx: Knex.Transaction, args: infer A) => unknown ? A : never

/**
 * The row operations the application of a deposit is written against (apply-deposit.ts, reverse-credit.ts,
 * resettle.ts). Two implementations with one meaning: `sqlLedgerOps`, a statement each inside the caller's
 * transaction (one deposit at a time), and the page's (page-ledger.ts), which reads a whole page's rows under their
 * locks in a handful of statements, runs these same operations on them in memory and writes the outcome back
 * set-based. The rules that decide are the same code either way.
 */
export interface LedgerOps {
  insertDepositIfNew(facts: DepositFactsRow, source: string, now: Date): Promise<boolean>
  lockDepositByWaasId(waasDepositId: string): Promise<DepositRow | null>
  refreshDepositFacts(args: Args<typeof refreshDepositFacts>): Promise<void>
  updateDepositRow(args: Args<typeof updateDepositRow>): Promise<void>
  findAddressHolder(address: string, at: Date, graceSeconds: number): Promise<string | null>
  lockPayment(id: string): Promise<PaymentRow | null>
  insertCredit(args: Args<typeof insertCredit>): Promise<boolean>
  readPaymentLedger(paymentId: string): Promise<LedgerRows>
  updatePaymentSettlement(args: Args<typeof updatePaymentSettlement>): Promise<void>
  readCreditEntry(waasDepositId: string): Promise<CreditEntry | null>
  insertReversal(args: Args<typeof insertReversal>): Promise<boolean>
}

/** One statement per operation, in the caller's transaction: the single-deposit path and the admin's decisions. */
export function sqlLedgerOps(trx: Knex.Transaction): LedgerOps {
  return {
    insertDepositIfNew: (facts, source, now) => insertDepositIfNew(trx, facts, source, now),
    lockDepositByWaasId: (id) => lockDepositByWaasId(trx, id),
    refreshDepositFacts: (args) => refreshDepositFacts(trx, args),
    updateDepositRow: (args) => updateDepositRow(trx, args),
    findAddressHolder: (address, at, grace) => findAddressHolder(trx, address, at, grace),
    lockPayment: (id) => lockPayment(trx, id),
    insertCredit: (args) => insertCredit(trx, args),
    readPaymentLedger: (id) => readPaymentLedger(trx, id),
    updatePaymentSettlement: (args) => updatePaymentSettlement(trx, args),
    readCreditEntry: (id) => readCreditEntry(trx, id),
    insertReversal: (args) => insertReversal(trx, args),
  }
}
