/** YYYY-MM-DD of a date in UTC, and the day `n` days before one (the reconciliation's days are such strings). */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10)
}

export function daysBefore(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00.000Z`)
  d.setUTCDate(d.getUTCDate() - n)
  return isoDay(d)
}
