/**
 * The module's background work (jobs, the refill, the poll) across an application shutdown. Medusa calls
 * every module's onApplicationPrepareShutdown, then onApplicationShutdown, and only then destroys the
 * shared connection pool: work still running after that waits for a connection the pool will never hand
 * out. So: once shutdown begins no new work starts, work in flight is told to stop (`signal`), and
 * onApplicationShutdown waits for it before the pool goes away.
 */
export type GateRun<T> = { ran: true; value: T } | { ran: false }

/** how long shutdown waits for work in flight before it goes on without it (it is told to stop at once) */
const DRAIN_LIMIT_MS = 10_000

export class ShutdownGate {
  private readonly controller = new AbortController()
  private readonly inFlight = new Set<Promise<unknown>>()

  get closed(): boolean {
    return this.controller.signal.aborted
  }

  /** aborted once shutdown begins: long-running work checks it between steps */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** Runs `work` unless shutdown has begun; shutdown then waits for it. */
  async run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<GateRun<T>> {
    if (this.closed) return { ran: false }
    const running = work(this.controller.signal)
    this.inFlight.add(running)
    try {
      return { ran: true, value: await running }
    } finally {
      this.inFlight.delete(running)
    }
  }

  /** No new work from now on; work in flight is told to stop. Idempotent. */
  close(): void {
    this.controller.abort()
  }

  /** Resolves once the work in flight has settled (or after DRAIN_LIMIT_MS, reporting what is left). */
  async drain(onOverrun: (left: number) => void): Promise<void> {
    if (this.inFlight.size === 0) return
    let timer: NodeJS.Timeout | undefined
    const overrun = new Promise<"overrun">((resolve) => {
      timer = setTimeout(() => resolve("overrun"), DRAIN_LIMIT_MS)
      timer.unref()
    })
    const outcome = await Promise.race([Promise.allSettled([...this.inFlight]), overrun])
    clearTimeout(timer)
    if (outcome === "overrun") onOverrun(this.inFlight.size)
  }
}
