import { SimControlError } from "../errors"
import { FaultRegistry } from "../faults"

describe("FaultRegistry", () => {
  it("a counted fault applies exactly `times` times, then disappears", () => {
    const f = new FaultRegistry()
    f.set({ notify: { drop: { times: 2 } } })
    expect(f.takeNotify("drop")).toEqual({ times: 2 })
    expect(f.takeNotify("drop")).toEqual({ times: 1 })
    expect(f.takeNotify("drop")).toBeUndefined()
    expect(f.get()).toEqual({})
  })

  it("a fault without times stays until cleared", () => {
    const f = new FaultRegistry()
    f.set({ notify: { duplicate: { copies: 3 } } })
    for (let i = 0; i < 10; i++) expect(f.takeNotify("duplicate")?.copies).toBe(3)
    f.clear()
    expect(f.takeNotify("duplicate")).toBeUndefined()
  })

  it("patches merge per fault, null removes one fault or a whole section", () => {
    const f = new FaultRegistry()
    f.set({ notify: { drop: { times: 1 }, delay: { ms: 500 } }, confirm: { timeoutMs: 100 } })
    f.set({ notify: { drop: null } })
    expect(f.get()).toEqual({ notify: { delay: { ms: 500 } }, confirm: { timeoutMs: 100 } })
    f.set({ confirm: null })
    expect(f.get()).toEqual({ notify: { delay: { ms: 500 } } })
  })

  it("an endpoint-specific fault wins over '*', and phases are kept apart", () => {
    const f = new FaultRegistry()
    f.set({ endpoints: { "*": { httpStatus: { status: 500 } }, withdraw: { httpStatus: { status: 502, times: 1 } } } })
    expect(f.takeEndpoint("withdraw", "httpStatus", "before")?.status).toBe(502)
    expect(f.takeEndpoint("withdraw", "httpStatus", "before")?.status).toBe(500)
    expect(f.takeEndpoint("depositList", "httpStatus", "before")?.status).toBe(500)
    f.set({ endpoints: { withdraw: { hang: { ms: 10, phase: "after", times: 1 } } } })
    expect(f.takeEndpoint("withdraw", "hang", "before")).toBeUndefined()
    expect(f.takeEndpoint("withdraw", "hang", "after")?.ms).toBe(10)
    expect(f.takeEndpoint("withdraw", "hang", "after")).toBeUndefined()
  })

  it("rejects unknown faults, endpoints and bad values with a 400", () => {
    const f = new FaultRegistry()
    const bad: unknown[] = [
      { notify: { explode: {} } },
      { endpoints: { nope: { garbage: {} } } },
      { notify: { duplicate: { copies: 1 } } },
      { notify: { drop: { times: 0 } } },
      { endpoints: { withdraw: { httpStatus: { status: 200 } } } },
    ]
    for (const patch of bad) {
      let err: unknown
      try {
        f.set(patch as Parameters<FaultRegistry["set"]>[0])
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(SimControlError)
      expect((err as SimControlError).status).toBe(400)
    }
    expect(f.get()).toEqual({})
  })

  it("get() returns a copy", () => {
    const f = new FaultRegistry()
    f.set({ notify: { drop: { times: 1 } } })
    const copy = f.get()
    ;(copy.notify as { drop?: unknown }).drop = undefined
    expect(f.get()).toEqual({ notify: { drop: { times: 1 } } })
  })
})
