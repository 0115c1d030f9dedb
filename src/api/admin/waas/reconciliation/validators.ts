import { z } from "@medusajs/framework/zod"
import { BREAK_KINDS, BREAK_STATUSES, BREAK_TYPES } from "../../../../modules/waas/reconciliation/recon-states"
import { isCalendarDay } from "../../../../modules/waas/reconciliation/recon-options"

const Day = (what: string) => z.string({ error: `${what} must be a day as YYYY-MM-DD` }).refine(isCalendarDay, `${what} must be a day as YYYY-MM-DD`)
const Id = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "id must be an id such as wrrun_…")

export const ReconRunParams = z.object({ id: Id })
export const ReconDayParams = z.object({ day: Day("day") })
export const ReconOrderParams = z.object({ order_id: Id })

/** `GET …/runs?from&to`, `GET …/export?from&to`: at most a year at a time */
export const ReconRange = z
  .object({ from: Day("from").optional(), to: Day("to").optional() })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to" })

export const ReconBreakList = z
  .object({
    type: z.enum(BREAK_TYPES).optional(),
    kind: z.enum(BREAK_KINDS).optional(),
    status: z.enum(BREAK_STATUSES).optional(),
    coin: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "coin must be a WaaS symbol").optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  })
  .strict()

/** `POST …/breaks/:id/acknowledge` and `/resolve`: the note is required */
export const ReconBreakDecision = z
  .object({ note: z.string({ error: "note is required" }).trim().min(1, "note is required").max(2000, "note must be at most 2000 characters") })
  .strict()

/** the day in a zone (en-CA formats as YYYY-MM-DD), and days counted back from it */
export function dayIn(zone: string, at: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at)
}
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + n * 86_400_000).toISOString().slice(0, 10)
}
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00.000Z`) - Date.parse(`${from}T00:00:00.000Z`)) / 86_400_000)
}
