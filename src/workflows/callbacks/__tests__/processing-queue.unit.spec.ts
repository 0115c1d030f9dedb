import type { Logger } from "@medusajs/framework/types"
import { ProcessingQueue } from "../processing-queue"

/** a task that runs until released, recording when it started */
function gated(log: string[], name: string) {
  let release!: () => void
  const done = new Promise<void>((resolve) => (release = resolve))
  return {
    task: async () => {
      log.push(`start ${name}`)
      await done
      log.push(`end ${name}`)
    },
    release: () => release(),
  }
}

const logger = () => {
  const warnings: string[] = []
  return { warnings, logger: { warn: (m: string) => warnings.push(m) } as unknown as Logger }
}

const passThrough = (task: () => Promise<unknown>) => task()
const tick = () => new Promise((resolve) => setImmediate(resolve))

describe("ProcessingQueue", () => {
  it("runs at most `concurrency` tasks at once, in arrival order", async () => {
    const log: string[] = []
    const q = new ProcessingQueue({ concurrency: 2, limit: 10 }, passThrough, logger().logger)
    const tasks = ["a", "b", "c", "d"].map((n) => gated(log, n))
    tasks.forEach((t, i) => q.enqueue(`k${i}`, t.task))
    await tick()
    expect(log).toEqual(["start a", "start b"])
    expect(q.size).toEqual({ waiting: 2, running: 2 })
    tasks[1].release()
    await tick()
    expect(log).toEqual(["start a", "start b", "end b", "start c"])
    tasks[0].release()
    tasks[2].release()
    tasks[3].release()
    await q.idle()
    expect(log.filter((l) => l.startsWith("end"))).toHaveLength(4)
    expect(q.size).toEqual({ waiting: 0, running: 0 })
  })

  it("queues a waiting key once, but a running key again (its run may have claimed before the new delivery)", async () => {
    const log: string[] = []
    const q = new ProcessingQueue({ concurrency: 1, limit: 10 }, passThrough, logger().logger)
    const first = gated(log, "x1")
    q.enqueue("x", first.task)
    await tick()
    // x is running: a new delivery of x is queued behind it
    const second = gated(log, "x2")
    expect(q.enqueue("x", second.task)).toBe(true)
    // and while that one waits, a third delivery adds nothing: the waiting run will see it
    expect(q.enqueue("x", async () => log.push("x3"))).toBe(true)
    expect(q.size).toEqual({ waiting: 1, running: 1 })
    first.release()
    await tick()
    second.release()
    await q.idle()
    expect(log).toEqual(["start x1", "end x1", "start x2", "end x2"])
  })

  it("refuses past its limit, leaving the rest to the poller, and says so once", async () => {
    const log: string[] = []
    const { warnings, logger: l } = logger()
    const q = new ProcessingQueue({ concurrency: 1, limit: 2 }, passThrough, l)
    const running = gated(log, "r")
    q.enqueue("r", running.task)
    await tick()
    expect(q.enqueue("a", async () => undefined)).toBe(true)
    expect(q.enqueue("b", async () => undefined)).toBe(true)
    expect(q.enqueue("c", async () => undefined)).toBe(false)
    expect(q.enqueue("d", async () => undefined)).toBe(false)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain("callbackQueueLimit")
    running.release()
    await q.idle()
  })

  it("drop() forgets what waits, as a process that dies does; suspend() holds new starts", async () => {
    const log: string[] = []
    const q = new ProcessingQueue({ concurrency: 1, limit: 10 }, passThrough, logger().logger)
    q.suspend()
    q.enqueue("a", async () => log.push("a"))
    q.enqueue("b", async () => log.push("b"))
    await tick()
    expect(log).toEqual([])
    expect(q.drop()).toBe(2)
    q.resume()
    await q.idle()
    expect(log).toEqual([])
    q.enqueue("c", async () => log.push("c"))
    await q.idle()
    expect(log).toEqual(["c"])
  })

  it("a task that fails is logged and the queue goes on; a closed gate runs nothing", async () => {
    const { warnings, logger: l } = logger()
    const q = new ProcessingQueue({ concurrency: 1, limit: 10 }, passThrough, l)
    q.enqueue("bad", async () => {
      throw new Error("boom")
    })
    const ran: string[] = []
    q.enqueue("good", async () => ran.push("good"))
    await q.idle()
    expect(ran).toEqual(["good"])
    expect(warnings).toEqual([expect.stringContaining("boom")])

    const closed = new ProcessingQueue({ concurrency: 1, limit: 10 }, async () => ({ ran: false }), l)
    closed.enqueue("x", async () => ran.push("x"))
    await closed.idle()
    expect(ran).toEqual(["good"])
  })

  it("paged entries: a run takes every id of its page then waiting, in arrival order, up to the page size", async () => {
    const log: string[] = []
    const q = new ProcessingQueue({ concurrency: 1, limit: 100, pageSize: 3 }, passThrough, logger().logger)
    let releaseFirst!: () => void
    const firstDone = new Promise<void>((resolve) => (releaseFirst = resolve))
    const runs: string[][] = []
    const run = async (ids: string[]) => {
      runs.push(ids)
      if (runs.length === 1) await firstDone
    }
    // the first id runs alone at once: nothing else was waiting
    q.enqueueInPage("deposit", "a", run)
    await tick()
    expect(runs).toEqual([["a"]])
    // a burst while it runs: a task of another kind and another page are not taken into the deposit page
    for (const id of ["b", "c"]) q.enqueueInPage("deposit", id, run)
    q.enqueue("withdraw:w", async () => log.push("w"))
    for (const id of ["d", "e", "f"]) q.enqueueInPage("deposit", id, run)
    q.enqueueInPage("other", "z", run)
    // a waiting id queued again is not added twice; the running one ("a") is queued again
    expect(q.enqueueInPage("deposit", "c", run)).toBe(true)
    expect(q.enqueueInPage("deposit", "a", run)).toBe(true)
    expect(q.size).toEqual({ waiting: 8, running: 1 })
    releaseFirst()
    await q.idle()
    expect(runs).toEqual([["a"], ["b", "c", "d"], ["e", "f", "a"], ["z"]])
    expect(log).toEqual(["w"])
  })

  it("paged entries count against the limit one id each", async () => {
    const { warnings, logger: l } = logger()
    const q = new ProcessingQueue({ concurrency: 1, limit: 2 }, passThrough, l)
    q.suspend()
    const run = async () => undefined
    expect(q.enqueueInPage("deposit", "a", run)).toBe(true)
    expect(q.enqueueInPage("deposit", "b", run)).toBe(true)
    expect(q.enqueueInPage("deposit", "c", run)).toBe(false)
    expect(warnings).toHaveLength(1)
    q.resume()
    await q.idle()
  })
})
