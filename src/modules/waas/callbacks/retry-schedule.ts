/**
 * When the poller's sweep tries a failing callback again. The first failure (usually the subscriber's, right
 * after the acknowledgement) is retried by the next sweep; each further one doubles the wait, from a minute up to
 * an hour, so a callback that keeps failing costs one attempt an hour and never holds up the ones behind it.
 * A success clears the count. The admin's re-run ignores the schedule.
 */
export const RETRY_BASE_SECONDS = 60
export const RETRY_MAX_SECONDS = 3_600

/** seconds to wait after the `failures`-th failure in a row */
export function retryDelaySeconds(failures: number): number {
  if (failures <= 1) return 0
  return Math.min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** Math.min(failures - 2, 30))
}

/**
 * The same schedule as a SQL expression of the failure count `expr` (an integer column expression): the
 * delays are our constants, inlined as numbers, so the next attempt time is set in the same statement.
 */
export function retryDelaySql(expr: string): string {
  const steps: string[] = []
  for (let n = 1; retryDelaySeconds(n) < RETRY_MAX_SECONDS; n++) steps.push(`WHEN ${expr} <= ${n} THEN ${retryDelaySeconds(n)}`)
  return `(CASE ${steps.join(" ")} ELSE ${RETRY_MAX_SECONDS} END)`
}
