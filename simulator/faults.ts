import { z } from "zod"
import { SimControlError } from "./errors"
import type { ConfirmFaults, Counted, EndpointFaultKey, NotifyFaults, EndpointFaults, FaultPhase, SimFaults, SimFaultsPatch } from "./types"
import { WAAS_ENDPOINTS } from "../src/protocol"

/**
 * Fault injection. Each fault is either persistent (no `times`) or consumed by `times` matching events; a
 * consumed-out fault disappears. The same validation runs for the in-process API and /_control/faults.
 */
const times = z.number().int().min(1).optional()
const phase = z.enum(["before", "after"]).optional()
const n = <T extends z.ZodType>(s: T) => s.nullable().optional()

const NotifyPatch = z.strictObject({
  drop: n(z.strictObject({ times })),
  duplicate: n(z.strictObject({ times, copies: z.number().int().min(2).max(20) })),
  delay: n(z.strictObject({ times, ms: z.number().int().min(1) })),
  reorder: n(z.strictObject({ mode: z.enum(["reverse", "shuffle"]) })),
  malformedAmount: n(z.strictObject({ times })),
})
const ConfirmPatch = z.strictObject({
  timeoutMs: n(z.number().int().min(1)),
  delay: n(z.strictObject({ times, ms: z.number().int().min(1) })),
  fail: n(z.strictObject({ times })),
})
const EndpointPatch = z.strictObject({
  plaintextError: n(z.strictObject({ times, phase, code: z.string().regex(/^\d{1,10}$/).optional(), msg: z.string().optional() })),
  httpStatus: n(z.strictObject({ times, phase, status: z.number().int().min(400).max(599).optional(), body: z.string().optional() })),
  hang: n(z.strictObject({ times, phase, ms: z.number().int().min(1).optional() })),
  delay: n(z.strictObject({ times, ms: z.number().int().min(1).max(600_000) })),
  malformedAmounts: n(z.strictObject({ times })),
  garbage: n(z.strictObject({ times, phase, body: z.string().optional() })),
  patchRecords: n(
    z.strictObject({
      times,
      ids: z.array(z.number().int().nonnegative()).min(1),
      set: z.record(z.string().min(1), z.union([z.string(), z.number()])),
    }),
  ),
})
const endpointKeys = [...(Object.keys(WAAS_ENDPOINTS) as (keyof typeof WAAS_ENDPOINTS)[]), "*"] as const
const FaultsPatchSchema = z.strictObject({
  notify: n(NotifyPatch),
  confirm: n(ConfirmPatch),
  endpoints: n(z.partialRecord(z.enum(endpointKeys), n(EndpointPatch))),
})

type Section = Record<string, unknown>

/** apply a patch section: null removes a key, an object replaces it */
function merge(current: Section | undefined, patch: Section | null | undefined): Section | undefined {
  if (patch === null) return undefined
  if (patch === undefined) return current
  const out: Section = { ...(current ?? {}) }
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else if (v !== undefined) out[k] = structuredClone(v)
  }
  return Object.keys(out).length ? out : undefined
}

/** drop the sections that consumed faults left empty, so get() shows only what is still armed */
function prune(f: SimFaults): SimFaults {
  if (f.notify && Object.keys(f.notify).length === 0) delete f.notify
  if (f.confirm && Object.keys(f.confirm).length === 0) delete f.confirm
  if (f.endpoints) {
    const eps = f.endpoints as Record<string, object | undefined>
    for (const [k, v] of Object.entries(eps)) if (!v || Object.keys(v).length === 0) delete eps[k]
    if (Object.keys(eps).length === 0) delete f.endpoints
  }
  return f
}

export class FaultRegistry {
  private faults: SimFaults = {}

  get(): SimFaults {
    return prune(structuredClone(this.faults))
  }

  set(patch: SimFaultsPatch): SimFaults {
    const parsed = FaultsPatchSchema.safeParse(patch)
    if (!parsed.success) throw new SimControlError(400, `invalid faults: ${z.prettifyError(parsed.error)}`)
    const p = parsed.data
    const next: SimFaults = {}
    const notify = merge(this.faults.notify as Section | undefined, p.notify as Section | null | undefined)
    const confirm = merge(this.faults.confirm as Section | undefined, p.confirm as Section | null | undefined)
    if (notify) next.notify = notify
    if (confirm) next.confirm = confirm
    if (p.endpoints !== null) {
      const endpoints: Section = {}
      const keys = new Set([...Object.keys(this.faults.endpoints ?? {}), ...Object.keys(p.endpoints ?? {})])
      for (const key of keys) {
        const cur = (this.faults.endpoints as Section | undefined)?.[key] as Section | undefined
        const pat = (p.endpoints as Section | undefined)?.[key] as Section | null | undefined
        const merged = merge(cur, pat)
        if (merged) endpoints[key] = merged
      }
      if (Object.keys(endpoints).length) next.endpoints = endpoints as SimFaults["endpoints"]
    }
    this.faults = next
    return this.get()
  }

  clear(): SimFaults {
    this.faults = {}
    return {}
  }

  /** consume one use of a counted fault held at `holder[key]`; returns a copy when it applied */
  private consume<T extends Counted>(holder: Record<string, unknown> | undefined, key: string): T | undefined {
    const f = holder?.[key] as T | undefined
    if (!f) return undefined
    const applied = { ...f }
    if (f.times !== undefined) {
      if (f.times <= 1) delete holder?.[key]
      else f.times -= 1
    }
    return applied
  }

  takeNotify<K extends "drop" | "duplicate" | "delay" | "malformedAmount">(key: K): NonNullable<SimFaults["notify"]>[K] {
    return this.consume<NonNullable<NotifyFaults[K]>>(this.faults.notify as Record<string, unknown> | undefined, key)
  }

  reorderMode(): "reverse" | "shuffle" | undefined {
    return this.faults.notify?.reorder?.mode
  }

  confirmTimeoutMs(): number | undefined {
    return this.faults.confirm?.timeoutMs
  }

  takeConfirm<K extends "delay" | "fail">(key: K): NonNullable<SimFaults["confirm"]>[K] {
    return this.consume<NonNullable<ConfirmFaults[K]>>(this.faults.confirm as Record<string, unknown> | undefined, key)
  }

  /**
   * Rewrites the records of a list answer that the patchRecords fault names; a use is consumed only by an answer
   * that had one of them. Returns the data unchanged when nothing applies.
   */
  patchRecords(endpoint: EndpointFaultKey, data: unknown): unknown {
    if (!Array.isArray(data)) return data
    for (const name of [endpoint, "*"] as const) {
      const holder = this.faults.endpoints?.[name] as Record<string, unknown> | undefined
      const f = holder?.patchRecords as NonNullable<EndpointFaults["patchRecords"]> | undefined
      if (!f) continue
      const hit = (r: unknown) => r !== null && typeof r === "object" && f.ids.includes(Number((r as { id?: unknown }).id))
      if (!data.some(hit)) continue
      const { set } = this.consume<NonNullable<EndpointFaults["patchRecords"]>>(holder, "patchRecords")!
      return data.map((r) => (hit(r) ? { ...(r as object), ...set } : r))
    }
    return data
  }

  /**
   * The endpoint-specific fault wins over the "*" one. Phased faults are consumed only in their phase
   * (default "before": nothing is executed).
   */
  takeEndpoint<K extends Exclude<keyof EndpointFaults, "patchRecords">>(endpoint: EndpointFaultKey, key: K, at?: FaultPhase): EndpointFaults[K] {
    for (const name of [endpoint, "*"] as const) {
      const holder = this.faults.endpoints?.[name] as Record<string, unknown> | undefined
      const f = holder?.[key] as (Counted & { phase?: FaultPhase }) | undefined
      if (!f) continue
      if (at !== undefined && (f.phase ?? "before") !== at) continue
      return this.consume<NonNullable<EndpointFaults[K]>>(holder, key)
    }
    return undefined
  }
}
