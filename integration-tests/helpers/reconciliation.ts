import { z } from "@medusajs/framework/zod"
import { waitFor } from "./deposits"

/**
 * Shared by the reconciliation HTTP specs: the admin API's shapes as the admin screens read them, waiting for a
 * run to finish, and a strict RFC 4180 reader for the CSV export (so the spec checks the file a spreadsheet would
 * read, not our writer's own idea of it).
 */
export const Side = z.object({ count: z.number(), sum: z.string(), other_count: z.number() })
export const Run = z.looseObject({
  id: z.string(),
  day: z.string(),
  attempt: z.number(),
  status: z.enum(["running", "balanced", "breaks", "failed"]),
  trigger: z.string(),
  time_zone: z.string(),
  window_start: z.string(),
  window_end: z.string(),
  failure_reason: z.string().nullable(),
  break_counts: z.looseObject({ total: z.number(), open: z.number(), healed: z.number() }),
  progress: z.looseObject({ phase: z.string(), percent: z.number(), records_compared: z.number(), pages_fetched: z.number() }),
})
export const RunDetail = Run.extend({
  totals: z.array(
    z.object({
      kind: z.string(),
      symbol: z.string(),
      waas: Side,
      ledger: Side,
      medusa: z.object({ count: z.number(), sums: z.record(z.string(), z.string()) }),
    }),
  ),
  fees: z.object({
    collection_miner_fees: z.record(z.string(), z.string()),
    withdrawal_service_fees: z.record(z.string(), z.string()),
    withdrawal_miner_fees: z.record(z.string(), z.string()),
    commission: z.record(z.string(), z.string()),
  }),
})
export const Break = z.looseObject({
  id: z.string(),
  run_id: z.string(),
  type: z.string(),
  kind: z.string(),
  symbol: z.string().nullable(),
  waas_id: z.string().nullable(),
  ledger_id: z.string().nullable(),
  order_id: z.string().nullable(),
  waas_value: z.record(z.string(), z.unknown()).nullable(),
  ledger_value: z.record(z.string(), z.unknown()).nullable(),
  medusa_value: z.record(z.string(), z.unknown()).nullable(),
  status: z.string(),
  healed_action: z.string().nullable(),
  note: z.string().nullable(),
  actor: z.string().nullable(),
})
export type BreakView = z.infer<typeof Break>

export type AdminCall = (method: "GET" | "POST", path: string, body?: unknown) => Promise<{ status: number; body: unknown; text: string; type: string | null }>

export function adminClient(baseUrl: () => string, headers: () => Record<string, string>): AdminCall {
  return async (method, path, body) => {
    const response = await fetch(new URL(path, baseUrl()), {
      method,
      headers: { ...headers(), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    const type = response.headers.get("content-type")
    let parsed: unknown = null
    if (text && type?.includes("json")) parsed = JSON.parse(text)
    return { status: response.status, body: parsed, text, type }
  }
}

/**
 * Waits, when the reconciliation job's next tick (every 15 minutes by the clock, src/jobs/reconcile-days.ts) is
 * less than `marginMs` away, until that tick is past: a test that makes days due and runs the job's own function
 * (runDueReconciliations) would otherwise share those days with the tick.
 */
export async function clearOfReconcileTick(marginMs = 90_000): Promise<void> {
  const quarter = 15 * 60_000
  const untilTick = quarter - (Date.now() % quarter)
  if (untilTick < marginMs) await new Promise((r) => setTimeout(r, untilTick + 5_000))
}

/** reruns a day through the admin API and waits for the run to finish; returns the run with its totals and breaks */
export async function reconcileDay(admin: AdminCall, day: string) {
  // 409 while another run holds the reconciliation's lock: the job's tick (every 15 minutes by the clock) holds
  // it for a moment even when no day is due; the admin's rerun is then started once the tick is over
  const deadline = Date.now() + 30_000
  let started = await admin("POST", `/admin/waas/reconciliation/days/${day}/rerun`)
  while (started.status === 409 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100))
    started = await admin("POST", `/admin/waas/reconciliation/days/${day}/rerun`)
  }
  if (started.status !== 202) throw new Error(`rerun of ${day}: ${started.status} ${started.text}`)
  const { run } = z.object({ run: Run }).parse(started.body)
  return finishedRun(admin, run.id)
}

export async function finishedRun(admin: AdminCall, id: string) {
  const run = await waitFor(`reconciliation run ${id} to finish`, async () => {
    const r = await admin("GET", `/admin/waas/reconciliation/runs/${id}`)
    const parsed = z.object({ run: RunDetail }).parse(r.body).run
    return parsed.status === "running" ? null : parsed
  }, { timeoutMs: 60_000, intervalMs: 100 })
  const b = await admin("GET", `/admin/waas/reconciliation/runs/${id}/breaks?limit=500`)
  const breaks = z.object({ breaks: z.array(Break), count: z.number() }).parse(b.body)
  return { run, breaks: breaks.breaks }
}

/** RFC 4180: quoted fields, doubled quotes, commas and line breaks inside quotes */
export function parseCsv(text: string): Array<Record<string, string>> {
  const records: string[][] = []
  let field = ""
  let record: string[] = []
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ",") record.push(field), (field = "")
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++
      record.push(field)
      records.push(record)
      ;(record = []), (field = "")
    } else field += c
  }
  if (field !== "" || record.length) record.push(field), records.push(record)
  const [header, ...rest] = records
  return rest.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])))
}

/** the day an instant falls in, in a zone */
export function dayIn(zone: string, at: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at)
}
