import type { SimClock, SimLogger } from "./types"

/**
 * The simulator's only source of time and only scheduler: notification retries, automatic confirmations and
 * fault delays all go through it, so a test can jump hours ahead in one call and see every due event happen in
 * time order.
 *
 * - "manual": time stands still until advance(ms). advance fires the due timers one by one in (dueAt, insertion)
 *   order, setting now() to each timer's due time first and awaiting what the timer returns (typically an HTTP
 *   delivery). Timers that those callbacks schedule inside the window fire in the same advance.
 * - "real": now() = start + elapsed wall time × timeScale (+ whatever advance() added). One wall-clock setTimeout
 *   is armed for the earliest timer; callbacks run concurrently and are tracked so dispose() can wait for them.
 */
export interface SimTimerInfo {
  id: number
  dueAt: number
  label: string
}

export interface InternalClock extends SimClock {
  /** run `fn` after `delayMs` simulator ms; returns a handle for cancel() */
  schedule(delayMs: number, label: string, fn: () => unknown): number
  cancel(id: number): void
  pending(): SimTimerInfo[]
  /** cancel everything and wait for running callbacks; the clock is unusable afterwards */
  dispose(): Promise<void>
}

interface Timer extends SimTimerInfo {
  seq: number
  fn: () => unknown
}

// setTimeout overflows above 2^31-1 ms and fires at once; re-arm in chunks instead
const MAX_WALL_DELAY = 2_147_483_647

export interface ClockOptions {
  mode: "real" | "manual"
  timeScale?: number
  startTime?: number
  logger?: SimLogger
}

export function createClock(opts: ClockOptions): InternalClock {
  const mode = opts.mode
  const scale = opts.timeScale ?? 1
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError("timeScale must be a positive number")
  const startSim = opts.startTime ?? Date.now()
  const startWall = Date.now()
  let manualNow = startSim
  // real mode: milliseconds added by advance()
  let skew = 0
  let timers: Timer[] = []
  let nextId = 1
  let seq = 0
  let wallHandle: NodeJS.Timeout | undefined
  let disposed = false
  const running = new Set<Promise<void>>()
  // advance()/runDue() calls run one after another, never interleaved
  let serial: Promise<void> = Promise.resolve()

  const now = (): number =>
    mode === "manual" ? manualNow : Math.floor(startSim + (Date.now() - startWall) * scale + skew)

  const byDue = (a: Timer, b: Timer): number => a.dueAt - b.dueAt || a.seq - b.seq

  async function invoke(t: Timer): Promise<void> {
    try {
      await t.fn()
    } catch (e) {
      opts.logger?.error(`timer "${t.label}" failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`)
    }
  }

  function takeEarliestDue(limit: number): Timer | undefined {
    if (timers.length === 0 || timers[0].dueAt > limit) return undefined
    return timers.shift()
  }

  function track(p: Promise<void>): void {
    running.add(p)
    void p.finally(() => running.delete(p))
  }

  function arm(): void {
    if (mode !== "real" || disposed) return
    if (wallHandle) clearTimeout(wallHandle)
    wallHandle = undefined
    if (timers.length === 0) return
    const wait = Math.max(0, Math.ceil((timers[0].dueAt - now()) / scale))
    wallHandle = setTimeout(onWallTimer, Math.min(wait, MAX_WALL_DELAY))
  }

  function onWallTimer(): void {
    wallHandle = undefined
    if (disposed) return
    for (let t = takeEarliestDue(now()); t; t = takeEarliestDue(now())) track(invoke(t))
    arm()
  }

  function serialize(work: () => Promise<void>): Promise<void> {
    const next = serial.then(work)
    serial = next.catch(() => undefined)
    return next
  }

  /** fire, in order and awaited, every timer due at or before `limit` (including ones scheduled meanwhile) */
  async function drainUntil(limit: () => number, onEach?: (t: Timer) => void): Promise<void> {
    for (let t = takeEarliestDue(limit()); t && !disposed; t = takeEarliestDue(limit())) {
      onEach?.(t)
      const p = invoke(t)
      track(p)
      await p
    }
  }

  const clock: InternalClock = {
    mode,
    now,
    schedule(delayMs, label, fn) {
      if (disposed) throw new Error("the simulator clock is stopped")
      if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`bad delay ${delayMs}`)
      const t: Timer = { id: nextId++, seq: seq++, dueAt: now() + Math.ceil(delayMs), label, fn }
      timers.push(t)
      timers.sort(byDue)
      if (timers[0] === t) arm()
      return t.id
    },
    cancel(id) {
      const before = timers.length
      timers = timers.filter((t) => t.id !== id)
      if (timers.length !== before) arm()
    },
    pending() {
      return timers.map(({ id, dueAt, label }) => ({ id, dueAt, label }))
    },
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) return Promise.reject(new RangeError(`cannot advance by ${ms}`))
      return serialize(async () => {
        if (mode === "manual") {
          const target = manualNow + ms
          await drainUntil(
            () => target,
            (t) => {
              if (t.dueAt > manualNow) manualNow = t.dueAt
            }
          )
          if (!disposed) manualNow = Math.max(manualNow, target)
        } else {
          skew += ms
          await drainUntil(now)
          arm()
        }
      })
    },
    runDue() {
      return serialize(async () => {
        await drainUntil(now)
        arm()
      })
    },
    async dispose() {
      disposed = true
      timers = []
      if (wallHandle) clearTimeout(wallHandle)
      wallHandle = undefined
      await Promise.allSettled([...running])
    },
  }
  return clock
}
