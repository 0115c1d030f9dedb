import type { DepositApplication } from "../../../modules/waas/deposits/application"
import type { CaptureOutcome } from "../actions/capture-settled"

/** One line for the inbox (last_outcome) and the logs: what a deposit's processing did. */
export function describeOutcome(found: boolean, a: DepositApplication | null, medusa: CaptureOutcome): string {
  if (!found || !a) return "the WaaS does not know this deposit: nothing applied"
  const payment = a.payment ? `; payment ${a.payment.id} ${a.payment.before} → ${a.payment.after}` : ""
  const capture = medusa === "captured" ? "; Medusa payment captured" : ""
  const review = a.after === "needs_review" || a.after === "reversed" ? ` (${a.review_reason ?? "see the review queue"})` : ""
  return `deposit ${a.waas_deposit_id} ${a.before ?? "new"} → ${a.after}${a.credited_now ? " (credited now)" : ""}${review}${payment}${capture}`
}

/** The text of a failure, for logs and the inbox's last_error. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message
  if (typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string") return (e as { message: string }).message
  return typeof e === "string" ? e : "the deposit's processing failed without an error message"
}

/** the failure was the WaaS out of reach (timeout, network, HTTP 5xx), not the record's or this callback's doing */
export function isWaasTransportFailure(e: unknown): boolean {
  return (e as { name?: unknown } | null | undefined)?.name === "WaasTransportError"
}
