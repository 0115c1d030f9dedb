import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../modules/waas"
import type WaasModuleService from "../../modules/waas/service"
import { ingestionGaugeOf } from "./ingestion-first"

/**
 * Processing behind the notify route, bounded: one queue per instance, `callbackProcessingConcurrency`
 * runs at a time. Each recorded callback used to start its processing run at once, unbounded, on the
 * store's connection pool: a burst of ~80 runs in flight made the notify route itself wait for a
 * connection. Now a burst is acknowledged at recording speed and processed behind it.
 *
 * The queue is never the record of what is to be done: the inbox is. A callback is queued only after it
 * was recorded, so whatever the queue loses (full, a restart, a crash) is still a pending inbox row, and the
 * deposit poller's sweep (and the withdrawal poller's) processes it.
 *
 * Paged entries (issue 11): deposit callbacks are queued by inbox id under a page name, and a run takes every id
 * of that page waiting at the time, up to `pageSize`, in one call (one depositList, a set-based ledger). A single
 * callback still runs alone at once; a burst is processed a page at a time behind it, at a fraction of the cost
 * per callback, so processing takes less of the CPU the notify route shares with it. Each run first waits while
 * notify requests are in flight (ingestion-first.ts, bounded), so a burst's ids gather into fuller pages.
 */
type Waiting =
  | { task: () => Promise<unknown> }
  | { page: string; id: string; run: (ids: string[]) => Promise<unknown> }

/** a run's ids at most: the WaaS's depositList takes 100 ids a call */
export const QUEUE_PAGE_SIZE = 100

export class ProcessingQueue {
  /** waiting tasks by key (side and inbox id), in arrival order; a key waits at most once */
  private readonly waiting = new Map<string, Waiting>()
  private running = 0
  private suspended = false
  private idleWaiters: Array<() => void> = []
  private overflowLogged = false

  constructor(
    private readonly opts: { concurrency: number; limit: number; pageSize?: number },
    /** runs a task unless the application is shutting down (the module's shutdown gate) */
    private readonly gate: (task: () => Promise<unknown>) => Promise<unknown>,
    private readonly logger: Logger,
    /** waited for before each run takes its entries (ingestion-first.ts); entries keep gathering meanwhile */
    private readonly pace: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /**
   * Queues `task` under `key`; false when it was not queued (the queue is full) and is left to the poller.
   * A key already waiting is not queued twice: the waiting run will see every delivery recorded before it
   * claims the row. A key that is running is queued again, since its run may have claimed before this delivery.
   */
  enqueue(key: string, task: () => Promise<unknown>): boolean {
    return this.add(key, { task })
  }

  /**
   * Queues `id` under the page `page` (its key is `page:id`, with enqueue's rules); the run that takes it calls `run`
   * with every id of the page then waiting, in arrival order, up to the page size.
   */
  enqueueInPage(page: string, id: string, run: (ids: string[]) => Promise<unknown>): boolean {
    return this.add(`${page}:${id}`, { page, id, run })
  }

  private add(key: string, entry: Waiting): boolean {
    if (this.waiting.has(key)) return true
    if (this.waiting.size >= this.opts.limit) {
      if (!this.overflowLogged) {
        this.overflowLogged = true
        this.logger.warn(
          `medusa-plugin-waas: ${this.waiting.size} recorded callbacks are waiting for processing (callbackQueueLimit); ` +
            "further ones are left to the poller's sweep",
        )
      }
      return false
    }
    this.waiting.set(key, entry)
    this.pump()
    return true
  }

  get size(): { waiting: number; running: number } {
    return { waiting: this.waiting.size, running: this.running }
  }

  /** Resolves once nothing is waiting or running. */
  idle(): Promise<void> {
    if (this.running === 0 && (this.waiting.size === 0 || this.suspended)) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Takes no new task until resume() (runs in flight finish); what waits stays queued. */
  suspend(): void {
    this.suspended = true
  }

  resume(): void {
    this.suspended = false
    this.pump()
  }

  /** Forgets every waiting task, as a process that dies does; returns how many. Their inbox rows stay pending. */
  drop(): number {
    const n = this.waiting.size
    this.waiting.clear()
    this.settle()
    return n
  }

  private pump(): void {
    while (!this.suspended && this.running < this.opts.concurrency && this.waiting.size > 0) {
      this.running++
      void this.runNext()
    }
  }

  /** one slot's run: paced first (holding the slot), then whatever waits by then, as one task */
  private async runNext(): Promise<void> {
    let key = ""
    try {
      await this.pace()
      if (this.suspended || this.waiting.size === 0) return
      const next = this.takeNext()
      key = next.key
      this.overflowLogged = this.overflowLogged && this.waiting.size > 0
      await this.gate(next.task)
    } catch (e) {
      this.logger.warn(`medusa-plugin-waas: processing ${key} failed (${(e as Error).message}); the poller retries it`)
    } finally {
      this.running--
      this.pump()
      this.settle()
    }
  }

  /** the first waiting entry as a task; for a paged one, with the page's other waiting ids */
  private takeNext(): { key: string; task: () => Promise<unknown> } {
    const [key, first] = this.waiting.entries().next().value as [string, Waiting]
    this.waiting.delete(key)
    if ("task" in first) return { key, task: first.task }
    const ids = [first.id]
    const limit = this.opts.pageSize ?? QUEUE_PAGE_SIZE
    for (const [k, w] of this.waiting) {
      if (ids.length >= limit) break
      if ("page" in w && w.page === first.page) {
        ids.push(w.id)
        this.waiting.delete(k)
      }
    }
    return { key: ids.length > 1 ? `${first.page} page of ${ids.length} from ${first.id}` : key, task: () => first.run(ids) }
  }

  private settle(): void {
    if (this.running > 0 || (this.waiting.size > 0 && !this.suspended)) return
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const resolve of waiters) resolve()
  }
}

/** one queue per module instance (per application), created on first use */
const queues = new WeakMap<object, ProcessingQueue>()

/** The instance's processing queue for recorded callbacks, sized by the module's options. */
export function processingQueueOf(container: MedusaContainer): ProcessingQueue {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  let queue = queues.get(waas)
  if (!queue) {
    const options = waas.getOptions()
    const gauge = ingestionGaugeOf(container)
    queue = new ProcessingQueue(
      { concurrency: options.callbackProcessingConcurrency, limit: options.callbackQueueLimit },
      (task) => waas.runUnlessShuttingDown(() => task()),
      container.resolve<Logger>(ContainerRegistrationKeys.LOGGER),
      () => gauge.quiet(),
    )
    queues.set(waas, queue)
  }
  return queue
}
