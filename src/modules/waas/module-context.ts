import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { Context, Logger } from "@medusajs/framework/types"
import type { WaasClient } from "../../client"
import type { Clock } from "./clock"
import type { WaasOptions } from "./options"
import type { ShutdownGate } from "./shutdown-gate"
import type { CryptoPaymentDTO } from "./types"

/**
 * Database access for the domains. The module service implements it with Medusa's transaction and manager
 * decorators, so a domain joins the caller's transaction when `sharedContext` carries one (a workflow
 * step's) and opens its own otherwise, exactly as a decorated service method would.
 */
export interface ModuleDb {
  /** runs `fn` in the context's transaction, or a new one */
  transaction<T>(fn: (trx: Knex.Transaction, ctx: Context) => Promise<T>, sharedContext?: Context): Promise<T>
  /** runs `fn` with a knex: the context's transaction when there is one, else a pooled connection */
  read<T>(fn: (db: Knex, ctx: Context) => Promise<T>, sharedContext?: Context): Promise<T>
}

/** The generated CRUD of crypto payments, as the checkout domain uses it. */
export interface PaymentRows {
  list(filter: Record<string, unknown>, take: number, ctx: Context): Promise<CryptoPaymentDTO[]>
  retrieve(id: string, ctx: Context): Promise<CryptoPaymentDTO>
  create(data: Record<string, unknown>, ctx: Context): Promise<unknown>
  /** the guarded update: refuses status and ledger fields */
  update(data: Record<string, unknown>, ctx: Context): Promise<unknown>
  /** the unguarded update, for lifecycle methods that have checked the state machine */
  writeLifecycle(data: Record<string, unknown>, ctx: Context): Promise<unknown>
}

/** What every domain of the module shares: the parsed options, the log, the clock and the one WaaS client. */
export interface ModuleDeps {
  options: WaasOptions
  logger: Logger
  now: Clock
  /** the module's one WaaS client, built on first use */
  client(): WaasClient
  db: ModuleDb
  /** background work (jobs, refill, poll) stops starting at shutdown; shutdown waits for what runs */
  shutdown: ShutdownGate
}

/** what paymentRowsOf needs of the module service: its generated crypto-payment CRUD */
interface PaymentCrud {
  listCryptoPayments(filter: never, config: { take: number }, ctx: Context): Promise<CryptoPaymentDTO[]>
  retrieveCryptoPayment(id: string, config: Record<string, never>, ctx: Context): Promise<CryptoPaymentDTO>
  createCryptoPayments(data: never, ctx: Context): Promise<unknown>
  updateCryptoPayments(data: never, ctx: Context): Promise<unknown>
}

/** The checkout domain's view of the generated CRUD; `writeLifecycle` is the update before its guard. */
export function paymentRowsOf(crud: PaymentCrud, writeLifecycle: (data: never, ctx: Context) => Promise<unknown>): PaymentRows {
  type Row = never
  return {
    list: (filter, take, ctx) => crud.listCryptoPayments(filter as Row, { take }, ctx),
    retrieve: (id, ctx) => crud.retrieveCryptoPayment(id, {}, ctx),
    create: (data, ctx) => crud.createCryptoPayments(data as Row, ctx),
    update: (data, ctx) => crud.updateCryptoPayments(data as Row, ctx),
    writeLifecycle: (data, ctx) => writeLifecycle(data as Row, ctx),
  }
}
