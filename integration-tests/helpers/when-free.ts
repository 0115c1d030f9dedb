/**
 * The answers of a run that found another run of its kind holding the lock: a scheduled job at work at this
 * very moment (the jobs run by the wall clock inside every spec's Medusa). Each one changes nothing.
 */
const BUSY = new Set(["another refill run holds the lock", "another instance is polling", "another instance is reconciling"])

/**
 * A run the test asks for itself (a refill, a forced poll, due reconciliations), run again while a scheduled run
 * holds the lock, so the test's run is the one that happens, after the scheduled one has ended. Any other skip
 * ("the poll interval has not elapsed", a shutdown) is returned as it is.
 */
export async function runWhenFree<R extends { skipped?: string }>(run: () => Promise<R>, timeoutMs = 30_000): Promise<R> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const report = await run()
    if (report.skipped === undefined || !BUSY.has(report.skipped)) return report
    if (Date.now() > deadline) throw new Error(`still skipped after ${timeoutMs} ms: ${report.skipped}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
