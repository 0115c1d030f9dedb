import type { Logger } from "@medusajs/framework/types"
import { IngestionGauge } from "../ingestion-first"
import { ProcessingQueue } from "../processing-queue"

const logger = { warn: () => undefined } as unknown as Logger
const passThrough = (task: () => Promise<unknown>) => task()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("IngestionGauge", () => {
  it("is quiet at once when no notify request is in flight", async () => {
    const gauge = new IngestionGauge({ maxWaitMs: 10_000, checkEveryMs: 5 })
    const t = Date.now()
    await gauge.quiet()
    expect(Date.now() - t).toBeLessThan(1_000)
    expect(gauge.busy).toBe(false)
  })

  it("waits while a request is in flight and resolves once it has been answered", async () => {
    const gauge = new IngestionGauge({ maxWaitMs: 10_000, checkEveryMs: 2 })
    const done = gauge.arrived()
    let quiet = false
    const waiting = gauge.quiet().then(() => (quiet = true))
    await sleep(30)
    expect(quiet).toBe(false)
    done()
    await waiting
    expect(quiet).toBe(true)
  })

  it("counts each request once, however often its done function is called", async () => {
    const gauge = new IngestionGauge()
    const a = gauge.arrived()
    const b = gauge.arrived()
    a()
    a()
    expect(gauge.busy).toBe(true)
    b()
    expect(gauge.busy).toBe(false)
  })

  it("stops waiting after the longest wait under a stream that never pauses", async () => {
    const gauge = new IngestionGauge({ maxWaitMs: 40, checkEveryMs: 5 })
    gauge.arrived() // never answered
    let quiet = false
    const waiting = gauge.quiet().then(() => (quiet = true))
    await sleep(10)
    expect(quiet).toBe(false)
    await waiting
    expect(quiet).toBe(true)
  })
})

describe("ProcessingQueue paced by the gauge", () => {
  it("holds its run while a notify request is in flight and then takes every id that arrived meanwhile as one page", async () => {
    const gauge = new IngestionGauge({ maxWaitMs: 10_000, checkEveryMs: 2 })
    const q = new ProcessingQueue({ concurrency: 1, limit: 100 }, passThrough, logger, () => gauge.quiet())
    const pages: string[][] = []
    const run = async (ids: string[]) => {
      pages.push(ids)
    }
    const request = gauge.arrived()
    q.enqueueInPage("deposit", "a", run)
    await sleep(20)
    q.enqueueInPage("deposit", "b", run)
    q.enqueueInPage("deposit", "c", run)
    await sleep(20)
    expect(pages).toEqual([])
    request()
    await q.idle()
    expect(pages).toEqual([["a", "b", "c"]])
  })
})
