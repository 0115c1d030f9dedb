import { randomFillSync } from "node:crypto"
import { factory } from "ulid"

/**
 * Ids for the module's rows, in Medusa's format (`prefix_` + a ULID, as `generateEntityId` makes them).
 *
 * Medusa's `generateEntityId` uses the `ulid` package's default generator, which draws each of the 16 random
 * characters with its own synchronous `crypto.randomBytes(1)`: about 80 µs an id here, and a profile of the
 * notify route showed it as the largest item the route itself adds (issue 11). This is the same library and
 * the same format with a pooled source: cryptographic bytes drawn 4 KiB at a time (`randomFillSync`), one byte
 * per character, divided by 256 so every one of the 32 characters is equally likely. About 1.5 µs an id.
 */
const POOL_BYTES = 4096
let pool = Buffer.alloc(0)
let next = 0

function pooledRandom(): number {
  if (next >= pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES))
    next = 0
  }
  return pool[next++] / 256
}

const ulid = factory(pooledRandom)

/** `prefix_` followed by a new ULID */
export function newEntityId(prefix: string): string {
  return `${prefix}_${ulid()}`
}
