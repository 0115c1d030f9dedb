import { createClock } from "../clock"

const START = 1_700_000_000_000

describe("manual clock", () => {
  it("stands still until advance() and then moves by exactly the amount", async () => {
    const clock = createClock({ mode: "manual", startTime: START })
    await new Promise((r) => setTimeout(r, 15))
    expect(clock.now()).toBe(START)
    await clock.advance(1234)
    expect(clock.now()).toBe(START + 1234)
    await clock.dispose()
  })

  it("fires due timers in time order, with now() at each timer's due time, equal times in insertion order", async () => {
    const clock = createClock({ mode: "manual", startTime: START })
    const seen: string[] = []
    clock.schedule(300, "c", () => seen.push(`c@${clock.now() - START}`))
    clock.schedule(100, "a", () => seen.push(`a@${clock.now() - START}`))
    clock.schedule(200, "b1", () => seen.push(`b1@${clock.now() - START}`))
    clock.schedule(200, "b2", () => seen.push(`b2@${clock.now() - START}`))
    clock.schedule(1000, "late", () => seen.push("late"))
    await clock.advance(300)
    expect(seen).toEqual(["a@100", "b1@200", "b2@200", "c@300"])
    expect(clock.pending().map((t) => t.label)).toEqual(["late"])
    await clock.dispose()
  })

  it("fires timers scheduled by callbacks inside the same window, and not those beyond it", async () => {
    const clock = createClock({ mode: "manual", startTime: START })
    const at: number[] = []
    const chain = (): void => {
      at.push(clock.now() - START)
      clock.schedule(1000, "chain", chain)
    }
    clock.schedule(1000, "chain", chain)
    await clock.advance(3500)
    expect(at).toEqual([1000, 2000, 3000])
    expect(clock.now()).toBe(START + 3500)
    await clock.advance(500)
    expect(at).toEqual([1000, 2000, 3000, 4000])
    await clock.dispose()
  })

  it("awaits the asynchronous work a timer starts before advance() resolves", async () => {
    const clock = createClock({ mode: "manual", startTime: START })
    let done = false
    clock.schedule(10, "slow", async () => {
      await new Promise((r) => setTimeout(r, 30))
      done = true
    })
    await clock.advance(10)
    expect(done).toBe(true)
    await clock.dispose()
  })

  it("serialises overlapping advance() calls", async () => {
    const clock = createClock({ mode: "manual", startTime: START })
    const seen: number[] = []
    clock.schedule(1500, "x", async () => {
      await new Promise((r) => setTimeout(r, 10))
      seen.push(clock.now() - START)
    })
    await Promise.all([clock.advance(1000), clock.advance(1000)])
    expect(seen).toEqual([1500])
    expect(clock.now()).toBe(START + 2000)
    await clock.dispose()
  })

  it("cancel() removes a timer; runDue() fires only what is already due", async () => {
    const clock = createClock({ mode: "manual", startTime: START })
    const fired: string[] = []
    const id = clock.schedule(50, "cancelled", () => fired.push("cancelled"))
    clock.schedule(0, "due-now", () => fired.push("due-now"))
    clock.schedule(10, "later", () => fired.push("later"))
    clock.cancel(id)
    await clock.runDue()
    expect(fired).toEqual(["due-now"])
    await clock.advance(100)
    expect(fired).toEqual(["due-now", "later"])
    await clock.dispose()
  })

  it("logs a failing timer and keeps going", async () => {
    const errors: string[] = []
    const clock = createClock({ mode: "manual", startTime: START, logger: { info() {}, warn() {}, error: (m) => errors.push(m) } })
    const fired: string[] = []
    clock.schedule(1, "boom", () => {
      throw new Error("kaput")
    })
    clock.schedule(2, "after", () => fired.push("after"))
    await clock.advance(5)
    expect(errors.join()).toContain("kaput")
    expect(fired).toEqual(["after"])
    await clock.dispose()
  })

  it("dispose() drops pending timers and refuses new ones", async () => {
    const clock = createClock({ mode: "manual", startTime: START })
    const fired: string[] = []
    clock.schedule(10, "never", () => fired.push("never"))
    await clock.dispose()
    expect(clock.pending()).toEqual([])
    expect(() => clock.schedule(1, "x", () => undefined)).toThrow(/stopped/)
    await clock.advance(100)
    expect(fired).toEqual([])
  })

  it("rejects negative or non-finite advances", async () => {
    const clock = createClock({ mode: "manual" })
    await expect(clock.advance(-1)).rejects.toThrow(RangeError)
    await expect(clock.advance(Number.NaN)).rejects.toThrow(RangeError)
    await clock.dispose()
  })
})

describe("real clock", () => {
  it("follows wall time times timeScale and fires timers on its own", async () => {
    const clock = createClock({ mode: "real", timeScale: 1000, startTime: START })
    const t0 = Date.now()
    const fired = new Promise<number>((resolve) => clock.schedule(120_000, "two minutes", () => resolve(Date.now() - t0)))
    const wall = await fired
    // two simulated minutes at ×1000 is 120 real ms
    expect(wall).toBeGreaterThanOrEqual(100)
    expect(wall).toBeLessThan(2000)
    expect(clock.now() - START).toBeGreaterThanOrEqual(120_000)
    await clock.dispose()
  })

  it("advance() jumps ahead and fires what became due", async () => {
    const clock = createClock({ mode: "real", startTime: START })
    let fired = false
    clock.schedule(3_600_000, "an hour", () => {
      fired = true
    })
    await clock.advance(3_600_000)
    expect(fired).toBe(true)
    expect(clock.now() - START).toBeGreaterThanOrEqual(3_600_000)
    await clock.dispose()
  })

  it("rejects a non-positive time scale", () => {
    expect(() => createClock({ mode: "real", timeScale: 0 })).toThrow(/timeScale/)
  })
})
