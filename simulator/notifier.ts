import type { KeyObject } from "node:crypto"
import { sealNotification } from "../src/protocol"
import type { InternalClock } from "./clock"
import { SimControlError } from "./errors"
import type { FaultRegistry } from "./faults"
import { postForm } from "./http-out"
import { malformAmount } from "./records"
import type { DeliveryAttempt, NotificationSide, NotificationView, SimLogger } from "./types"

/**
 * Deposit/withdrawal notifications (§3.2, §3.3).
 *
 * Schedule: a notification is sent at most `scheduleMs.length` times (5). Each entry is the delay before the next
 * send, measured from the previous send (the first from the event): with the default 1 s, 2 min, 8 min, 32 min,
 * 128 min the sends happen at +1 s, +2 min 1 s, +10 min 1 s, +42 min 1 s and +170 min 1 s after the event, then
 * nothing more. The payload is the record as it was at the event; notify_time/time are the moment of each send.
 *
 * Acknowledgement: HTTP 200 and a body that equals `SUCCESS` after trimming surrounding whitespace (String.trim:
 * so "SUCCESS\n" counts, "success", "\"SUCCESS\"" and "SUCCESS!" do not, and neither does any non-200 status).
 */
export const DEFAULT_NOTIFY_SCHEDULE_MS: readonly number[] = [1_000, 120_000, 480_000, 1_920_000, 7_680_000]

export function isAcknowledgement(status: number, body: string): boolean {
  return status === 200 && body.trim() === "SUCCESS"
}

interface Job {
  id: string
  appId: string
  side: NotificationSide
  recordId: number
  status: number
  payload: Record<string, string>
  createdAt: number
  /** scheduled sends made so far (drives the schedule) */
  scheduledSends: number
  /** every send, scheduled or manual (numbers the log) */
  sends: number
  acknowledged: boolean
  givenUp: boolean
  held: boolean
  timerId?: number
  nextAttemptAt?: number
}

export interface NotifierOptions {
  clock: InternalClock
  faults: FaultRegistry
  walletKey: KeyObject
  notifyUrl(appId: string): string | undefined
  scheduleMs: readonly number[]
  timeoutMs: number
  signal: AbortSignal
  logger: SimLogger
}

const MAX_LOGGED_BODY = 4096

export class Notifier {
  private readonly jobs = new Map<string, Job>()
  private readonly log: DeliveryAttempt[] = []
  private held: Job[] = []
  private seq = 1

  constructor(private readonly o: NotifierOptions) {
    if (o.scheduleMs.length === 0) throw new RangeError("the notification schedule needs at least one send")
  }

  enqueue(appId: string, side: NotificationSide, recordId: number, status: number, payload: Record<string, string>): string {
    const job: Job = {
      id: `ntf_${this.seq++}`,
      appId,
      side,
      recordId,
      status,
      payload,
      createdAt: this.o.clock.now(),
      scheduledSends: 0,
      sends: 0,
      acknowledged: false,
      givenUp: false,
      held: false,
    }
    this.jobs.set(job.id, job)
    this.scheduleNext(job, this.o.scheduleMs[0])
    return job.id
  }

  private scheduleNext(job: Job, delay: number, delayed = false): void {
    job.nextAttemptAt = this.o.clock.now() + delay
    job.timerId = this.o.clock.schedule(delay, `notify ${job.id} after send ${job.scheduledSends}`, () =>
      this.onDue(job, delayed)
    )
  }

  private async onDue(job: Job, delayed: boolean): Promise<void> {
    job.timerId = undefined
    job.nextAttemptAt = undefined
    if (job.acknowledged) return
    if (this.o.faults.reorderMode()) {
      job.held = true
      this.held.push(job)
      return
    }
    const delay = delayed ? undefined : this.o.faults.takeNotify("delay")
    if (delay) {
      this.scheduleNext(job, delay.ms, true)
      return
    }
    await this.scheduledSend(job)
  }

  private async scheduledSend(job: Job): Promise<void> {
    job.scheduledSends += 1
    if (this.o.faults.takeNotify("drop")) {
      this.record(this.entry(job, ++job.sends, 0, false, { ...job.payload }, "", { error: "dropped by fault", dropped: true }))
    } else {
      const copies = this.o.faults.takeNotify("duplicate")?.copies ?? 1
      const malformed = this.o.faults.takeNotify("malformedAmount") !== undefined
      const attempt = ++job.sends
      const results = await Promise.all(
        Array.from({ length: copies }, (_, copy) => this.deliver(job, attempt, copy, false, malformed))
      )
      if (results.some((r) => r.acknowledged)) {
        job.acknowledged = true
        return
      }
    }
    if (job.scheduledSends >= this.o.scheduleMs.length) {
      job.givenUp = true
      this.o.logger.warn(`notification ${job.id} (${job.side} ${job.recordId}) given up after ${job.scheduledSends} sends`)
      return
    }
    this.scheduleNext(job, this.o.scheduleMs[job.scheduledSends])
  }

  private entry(
    job: Job,
    attempt: number,
    copy: number,
    manual: boolean,
    payload: Record<string, string>,
    url: string,
    extra: Partial<DeliveryAttempt>
  ): DeliveryAttempt {
    return {
      notificationId: job.id,
      side: job.side,
      recordId: job.recordId,
      attempt,
      copy,
      manual,
      at: this.o.clock.now(),
      url,
      payload,
      dropped: false,
      acknowledged: false,
      ...extra,
    }
  }

  private record(e: DeliveryAttempt): DeliveryAttempt {
    this.log.push(e)
    const outcome = e.acknowledged ? "acknowledged" : e.error ?? `HTTP ${e.responseStatus} ${JSON.stringify((e.responseBody ?? "").slice(0, 40))}`
    this.o.logger.info(`notify ${e.notificationId} ${e.side} #${e.recordId} attempt ${e.attempt}${e.copy ? `.${e.copy}` : ""}: ${outcome}`)
    return e
  }

  private async deliver(job: Job, attempt: number, copy: number, manual: boolean, malformed: boolean): Promise<DeliveryAttempt> {
    const now = String(this.o.clock.now())
    const payload: Record<string, string> = { ...job.payload, notify_time: now, time: now }
    if (malformed && payload.amount !== undefined) payload.amount = malformAmount(payload.amount)
    const url = this.o.notifyUrl(job.appId)
    if (!url) return this.record(this.entry(job, attempt, copy, manual, payload, "", { error: "no notifyUrl configured" }))
    try {
      const data = sealNotification(payload, this.o.walletKey)
      const answer = await postForm(url, { app_id: job.appId, data }, { timeoutMs: this.o.timeoutMs, signal: this.o.signal })
      return this.record(
        this.entry(job, attempt, copy, manual, payload, url, {
          responseStatus: answer.status,
          responseBody: answer.body.slice(0, MAX_LOGGED_BODY),
          acknowledged: isAcknowledgement(answer.status, answer.body),
        })
      )
    } catch (e) {
      return this.record(this.entry(job, attempt, copy, manual, payload, url, { error: e instanceof Error ? e.message : String(e) }))
    }
  }

  /** a send now, outside the schedule; an acknowledgement cancels what the schedule still had planned */
  async redeliver(id: string): Promise<DeliveryAttempt> {
    const job = this.jobs.get(id)
    if (!job) throw new SimControlError(404, `unknown notification ${id}`)
    const result = await this.deliver(job, ++job.sends, 0, true, false)
    if (result.acknowledged) {
      job.acknowledged = true
      job.givenUp = false
      if (job.timerId !== undefined) this.o.clock.cancel(job.timerId)
      job.timerId = undefined
      job.nextAttemptAt = undefined
      this.held = this.held.filter((j) => j !== job)
      job.held = false
    }
    return result
  }

  /** send the notifications the reorder fault held, one after another in the given order */
  async flush(order: "reverse" | "shuffle" | "fifo"): Promise<number> {
    const batch = this.held
    this.held = []
    if (order === "reverse") batch.reverse()
    if (order === "shuffle") {
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1))
        ;[batch[i], batch[j]] = [batch[j], batch[i]]
      }
    }
    for (const job of batch) {
      job.held = false
      if (!job.acknowledged) await this.scheduledSend(job)
    }
    return batch.length
  }

  deliveries(): DeliveryAttempt[] {
    return this.log.map((e) => ({ ...e, payload: { ...e.payload } }))
  }

  notifications(): NotificationView[] {
    return [...this.jobs.values()].map((j) => ({
      id: j.id,
      appId: j.appId,
      side: j.side,
      recordId: j.recordId,
      status: j.status,
      createdAt: j.createdAt,
      attempts: j.sends,
      acknowledged: j.acknowledged,
      givenUp: j.givenUp,
      held: j.held,
      nextAttemptAt: j.nextAttemptAt,
    }))
  }
}
