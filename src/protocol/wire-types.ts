import { z } from "zod"
import { isDecimalString } from "./decimal"

/**
 * Field-level schemas tolerant of the documented type drift (protocol §1.4, §3.2, §7.2 item 10):
 * ids and counts arrive as numbers or numeric strings; times as epoch-ms numbers, epoch-ms strings or
 * `YYYY-MM-DD HH:mm:ss`. Amounts must be plain decimal strings (never JS numbers).
 */

/** integer id or count, number or digit string → number (safe integer) */
export const zInt = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === "number" ? v : /^-?\d{1,16}$/.test(v) ? Number(v) : NaN
  if (!Number.isSafeInteger(n)) {
    ctx.addIssue({ code: "custom", message: `expected an integer, got ${JSON.stringify(v)}` })
    return z.NEVER
  }
  return n
})

/** non-negative integer id, number or digit string → number */
export const zId = zInt.pipe(z.number().int().nonnegative())

/** a plain non-negative decimal string ("1.5", "0.0002000000000000"); coin precision is checked by the ledger */
export const zAmount = z
  .string()
  .refine((v) => isDecimalString(v), { message: "expected a plain non-negative decimal string" })

/** "0"/"1" or 0/1 flags → boolean */
export const zFlag = z.union([z.literal("0"), z.literal("1"), z.literal(0), z.literal(1), z.literal("")]).transform((v) => v === "1" || v === 1)

/** Any of the time forms the WaaS uses; kept raw, convert with `waasTimeToDate`. */
export const zWaasTime = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d{1,16}$/),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    .refine(isRealCalendarTime, { message: "not a real calendar date and time" }),
])

/** "2020-13-45 99:99:99" has the right shape but no meaning: it must not roll over into another date */
function isRealCalendarTime(value: string): boolean {
  const [y, mo, d, h, mi, s] = value.split(/[- :]/).map(Number)
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s))
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s
  )
}
export type WaasTime = z.infer<typeof zWaasTime>

/**
 * Converts a WaaS time to a Date. Formatted strings carry no zone; the WaaS most likely means UTC+8
 * (protocol §4.2, an inference), so the offset is a parameter the plugin exposes as an option.
 */
export function waasTimeToDate(value: WaasTime, utcOffsetMinutes = 480): Date {
  if (typeof value === "number") return new Date(value)
  if (/^\d+$/.test(value)) return new Date(Number(value))
  const [date, time] = value.split(" ")
  const [y, mo, d] = date.split("-").map(Number)
  const [h, mi, s] = time.split(":").map(Number)
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - utcOffsetMinutes * 60_000)
}

/** `YYYY-MM-DD HH:mm:ss` in the given zone offset: the form callbacks use */
export function formatWaasTime(date: Date, utcOffsetMinutes = 480): string {
  const shifted = new Date(date.getTime() + utcOffsetMinutes * 60_000)
  const p = (n: number) => String(n).padStart(2, "0")
  return (
    `${shifted.getUTCFullYear()}-${p(shifted.getUTCMonth() + 1)}-${p(shifted.getUTCDate())} ` +
    `${p(shifted.getUTCHours())}:${p(shifted.getUTCMinutes())}:${p(shifted.getUTCSeconds())}`
  )
}

/** comma-separated ids, at most 100 (protocol §2): "1,2,3" */
export const zIdList = z
  .string()
  .min(1)
  .refine((v) => v.split(",").length <= 100, { message: "at most 100 ids" })
  .refine((v) => v.split(",").every((p) => p.trim().length > 0 && p.trim().length <= 64), {
    message: "empty or oversized id in list",
  })
