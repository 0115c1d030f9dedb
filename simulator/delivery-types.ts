/**
 * The simulator's public types for what it sends out and what can be made to go wrong: notifications and
 * their delivery attempts, second-confirmation calls, and the fault settings. Re-exported by types.ts.
 */
import type { WaasEndpointName } from "../src/protocol"

/* ------------------------------------------------------------------ notifications */

export type NotificationSide = "deposit" | "withdraw"

export interface DeliveryAttempt {
  notificationId: string
  side: NotificationSide
  recordId: number
  /** 1..5 for scheduled sends; redeliveries continue the count and carry `manual: true` */
  attempt: number
  /** copy index when the duplicate fault sent several copies of one attempt (0 otherwise) */
  copy: number
  manual: boolean
  /** simulator clock, epoch ms */
  at: number
  url: string
  /** the decrypted payload sent (all values strings, §3.2) */
  payload: Record<string, string>
  /** HTTP status of the merchant's answer, absent when nothing came back */
  responseStatus?: number
  /** the answer body (first 4 KiB) */
  responseBody?: string
  /** network error, timeout, missing URL, or "dropped by fault" */
  error?: string
  dropped: boolean
  acknowledged: boolean
}

export interface NotificationView {
  id: string
  appId: string
  side: NotificationSide
  recordId: number
  /** record status the notification reports */
  status: number
  createdAt: number
  attempts: number
  acknowledged: boolean
  givenUp: boolean
  /** held by the reorder fault until flushNotifications() */
  held: boolean
  nextAttemptAt?: number
}

export interface ConfirmationCall {
  at: number
  appId: string
  requestId: string
  url?: string
  payload?: Record<string, string | number>
  responseStatus?: number
  responseBody?: string
  outcome: "approved" | "rejected" | "timeout" | "error" | "skipped"
  reason: string
}

/* ------------------------------------------------------------------ faults */

/** `times` omitted: the fault stays until cleared; a number: it is consumed by that many matching events */
export interface Counted {
  times?: number
}

export interface NotifyFaults {
  /** the next attempts are not sent; each counts as a failed attempt */
  drop?: Counted
  /** each attempt is sent `copies` times concurrently */
  duplicate?: Counted & { copies: number }
  /** each attempt waits this many extra simulator ms */
  delay?: Counted & { ms: number }
  /** attempts are held until flushNotifications(), which sends them in reverse or shuffled order */
  reorder?: { mode: "reverse" | "shuffle" }
  /** the amount in the payload is written with a decimal comma ("1.5" → "1,5"), as in a real captured callback */
  malformedAmount?: Counted
}

export interface ConfirmFaults {
  /** overrides every merchant's confirmAnswerTimeoutMs (real ms) */
  timeoutMs?: number
  /** wait this many real ms before calling the merchant; counts against the timeout */
  delay?: Counted & { ms: number }
  /** fail the confirmation without calling the merchant (→ 120206) */
  fail?: Counted
}

export type FaultPhase = "before" | "after"

export interface EndpointFaults {
  /** answer an unencrypted `{code,msg}` outer body (like a pre-auth error) */
  plaintextError?: Counted & { code?: string; msg?: string; phase?: FaultPhase }
  /** answer this HTTP status (default 503) */
  httpStatus?: Counted & { status?: number; body?: string; phase?: FaultPhase }
  /**
   * hold the request for `ms` real ms and then drop the connection without an answer (no `ms`: until the client
   * gives up or the simulator stops). phase "after": the request is executed first, so state changes happen.
   */
  hang?: Counted & { ms?: number; phase?: FaultPhase }
  /**
   * answer normally, `ms` real ms late: the request waits before it is executed (a slow WaaS, or a
   * reconciliation held in its fetching phase long enough to watch its progress)
   */
  delay?: Counted & { ms: number }
  /** rewrite amount strings in the decrypted response with a decimal comma */
  malformedAmounts?: Counted
  /** HTTP 200 with a non-JSON body */
  garbage?: Counted & { body?: string; phase?: FaultPhase }
  /**
   * the records with these ids in a list answer carry these field values instead (an undocumented status, an
   * amount with a decimal comma): one bad record among good ones. `times` counts the answers it changed.
   */
  patchRecords?: Counted & { ids: number[]; set: Record<string, string | number> }
}

export type EndpointFaultKey = WaasEndpointName | "*"

export interface SimFaults {
  notify?: NotifyFaults
  confirm?: ConfirmFaults
  endpoints?: Partial<Record<EndpointFaultKey, EndpointFaults>>
}
