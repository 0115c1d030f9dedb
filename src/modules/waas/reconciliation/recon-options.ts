import { z } from "zod"

/**
 * The `reconciliation` plugin option. Every field has a default.
 *   timeZone            the zone of the business day (IANA name). UTC by default; ChainUp's own clock is
 *                       probably UTC+8 (Asia/Shanghai), so a merchant reconciling against ChainUp's back-office
 *                       day sets that.
 *   settleDelayMinutes  how long after a day's end its reconciliation waits for late records (default 30).
 *   firstDay            the first day the job reconciles (YYYY-MM-DD); by default the day the plugin's
 *                       reconciliation first ran. Earlier days only when an admin asks (rerun).
 *   maxDaysPerTick      how many days one job tick reconciles at most (a backlog is worked off oldest first).
 */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone })
    return true
  } catch {
    return false
  }
}

export const DAY_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/

/** a real calendar day: 2026-02-30 has the shape but not the meaning */
export function isCalendarDay(day: string): boolean {
  if (!DAY_PATTERN.test(day)) return false
  const d = new Date(`${day}T00:00:00.000Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day
}

export const zDay = z.string().refine(isCalendarDay, { error: "expected a calendar day as YYYY-MM-DD" })

export const ReconciliationOptionsSchema = z
  .object({
    timeZone: z
      .string({ error: 'expected an IANA time zone such as "UTC" or "Asia/Shanghai"' })
      .refine(isTimeZone, { error: 'expected an IANA time zone such as "UTC" or "Asia/Shanghai"' })
      .default("UTC"),
    settleDelayMinutes: z
      .number({ error: "expected a whole number of minutes from 0 to 1440" })
      .int({ error: "expected a whole number of minutes from 0 to 1440" })
      .min(0, { error: "expected a whole number of minutes from 0 to 1440" })
      .max(1440, { error: "expected a whole number of minutes from 0 to 1440" })
      .default(30),
    firstDay: zDay.optional(),
    maxDaysPerTick: z.number().int().min(1).max(366).default(7),
  })
  .default({ timeZone: "UTC", settleDelayMinutes: 30, maxDaysPerTick: 7 })

export type ReconciliationOptions = z.output<typeof ReconciliationOptionsSchema>
