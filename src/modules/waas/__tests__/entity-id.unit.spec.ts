import { decodeTime } from "ulid"
import { newEntityId } from "../entity-id"

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{26}$/

describe("newEntityId: Medusa's id format from a pooled random source", () => {
  it("is the prefix, an underscore and a ULID whose time is now", () => {
    const before = Date.now()
    const id = newEntityId("wcbin")
    const after = Date.now()
    const [prefix, ulid] = id.split("_")
    expect(prefix).toBe("wcbin")
    expect(ulid).toMatch(CROCKFORD)
    expect(decodeTime(ulid)).toBeGreaterThanOrEqual(before)
    expect(decodeTime(ulid)).toBeLessThanOrEqual(after)
  })

  it("stays unique across many refills of its 4 KiB pool (16 bytes an id)", () => {
    const ids = Array.from({ length: 50_000 }, () => newEntityId("x"))
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("draws every one of the 32 characters about equally often in the random part", () => {
    const counts = new Map<string, number>()
    const n = 20_000
    for (let i = 0; i < n; i++) {
      for (const c of newEntityId("x").slice(2 + 10)) counts.set(c, (counts.get(c) ?? 0) + 1)
    }
    expect(counts.size).toBe(32)
    const expected = (n * 16) / 32
    // 10,000 draws per character: a uniform source stays well inside ±5 % (about 5 standard deviations)
    for (const count of counts.values()) expect(Math.abs(count - expected)).toBeLessThan(expected * 0.05)
  })
})
