import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { Context, Logger, ModuleJoinerConfig } from "@medusajs/framework/types"
import { InjectManager, InjectTransactionManager, MedusaContext, MedusaService } from "@medusajs/framework/utils"
import type { WaasClient } from "../../client"
import { knexOf, transactionOf } from "./db-context"
import { waasJoinerConfig, WAAS_SERVICE_MODELS } from "./joiner-config"
import { createModuleClient } from "./module-client"
import { ModuleDeps, paymentRowsOf, PaymentRows } from "./module-context"
import { parseWaasOptions, WaasOptions } from "./options"
import { redactOptions } from "./options-redaction"
import { GateRun, ShutdownGate } from "./shutdown-gate"
import { installCrudGuards } from "./status-write-guard"

type InjectedDependencies = { logger: Logger }

/**
 * The module's plumbing, under the facade (service.ts): the models' generated CRUD with its guards, the parsed
 * options, the one WaaS client, database access for the domains (Medusa's own transaction decorators), and
 * the shutdown of background work. Nothing here knows a domain's rules.
 */
export class WaasModuleBase extends MedusaService(WAAS_SERVICE_MODELS) {
  protected readonly options_: WaasOptions
  protected readonly logger_: Logger
  /** what every domain is built from */
  protected readonly deps_: ModuleDeps
  /** the crypto-payment CRUD as the checkout domain uses it */
  protected readonly paymentRows_: PaymentRows
  /**
   * Mutable state lives in a holder set once in the constructor: the service may be reached through a proxy
   * (the module test runner uses one), where assigning a field would land on the proxy, not on the service.
   */
  private readonly lazy_: { client: WaasClient | null; closed: boolean } = { client: null, closed: false }
  private readonly shutdown_ = new ShutdownGate()
  /** what the domains close at application shutdown (filled in by the facade's constructor) */
  protected readonly closers_: Array<() => Promise<void>> = []

  /** Medusa passes more than these two (the module declaration); MedusaService reads them all */
  constructor(container: InjectedDependencies, options: unknown, ...rest: unknown[]) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.options_ = parseWaasOptions(options)
    this.logger_ = container.logger
    // statuses and ledger figures change only through the domains' lifecycle code (status-write-guard.ts)
    this.paymentRows_ = paymentRowsOf(this, installCrudGuards(this))
    this.deps_ = {
      options: this.options_,
      logger: this.logger_,
      now: () => new Date(),
      client: () => this.getClient(),
      db: { transaction: (fn, ctx) => this.inTransaction_(fn, ctx), read: (fn, ctx) => this.withManager_(fn, ctx) },
      shutdown: this.shutdown_,
    }
  }

  /** memoised (joiner-config.ts): Medusa reads it on every ORM mutation of the module */
  __joinerConfig(): ModuleJoinerConfig {
    return waasJoinerConfig()
  }

  __hooks = {
    onApplicationStart: async (): Promise<void> => {
      // never awaited work: the hook returns at once and boot goes on (see onStarted_)
      this.onStarted_()
    },
    onApplicationPrepareShutdown: async (): Promise<void> => {
      this.shutdown_.close()
    },
    onApplicationShutdown: async (): Promise<void> => {
      this.shutdown_.close()
      const client = this.lazy_.client
      this.lazy_.client = null
      this.lazy_.closed = true
      // never wait on the WaaS at shutdown (undici's graceful close waits out requests in flight)
      await client?.destroy()
      // Medusa destroys the connection pool after this hook: the runs in flight end first
      await this.shutdown_.drain((left) => this.logger_.warn(`medusa-plugin-waas: shutting down with ${left} background run(s) still going`))
      // the domains' own resources (the callback record pool), once nothing runs any more
      for (const close of this.closers_) await close().catch(() => undefined)
    },
  }

  /** what the facade starts in the background once the application has started; must not throw or block */
  protected onStarted_(): void {}

  /** true once the application has begun to shut down: jobs start nothing new */
  isShuttingDown(): boolean {
    return this.shutdown_.closed
  }

  /** Runs a job's work unless shutdown has begun; shutdown waits for it and aborts `signal`. */
  runUnlessShuttingDown<T>(work: (signal: AbortSignal) => Promise<T>): Promise<GateRun<T>> {
    return this.shutdown_.run(work)
  }

  /** The parsed options. Holds the merchant private key: never log or return this; see `getRedactedOptions`. */
  getOptions(): WaasOptions {
    return this.options_
  }

  getRedactedOptions(): Record<string, unknown> {
    return redactOptions(this.options_)
  }

  /** The one WaaS client of this module, built from the options on first use. */
  getClient(): WaasClient {
    if (this.lazy_.closed) throw new Error("medusa-plugin-waas: the application is shutting down; no new WaaS requests")
    this.lazy_.client ??= createModuleClient(this.options_, this.logger_)
    return this.lazy_.client
  }

  /** `fn` inside the context's transaction, or a new one (Medusa's decorator decides, as on any method). */
  @InjectTransactionManager()
  protected async inTransaction_<T>(
    fn: (trx: Knex.Transaction, ctx: Context) => Promise<T>,
    @MedusaContext() sharedContext: Context = {},
  ): Promise<T> {
    return fn(transactionOf(sharedContext), sharedContext)
  }

  @InjectManager()
  protected async withManager_<T>(fn: (db: Knex, ctx: Context) => Promise<T>, @MedusaContext() sharedContext: Context = {}): Promise<T> {
    return fn(knexOf(sharedContext), sharedContext)
  }
}
