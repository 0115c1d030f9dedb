/**
 * Rejects with `onTimeout()` when `work` has not settled within `ms`. The work itself is not cancelled: for the
 * live address fetch that is the point, since an address that arrives late still lands in the pool.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  // the loser's rejection must not surface as an unhandled rejection
  work.catch(() => undefined)
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}
