import type { CallbackRow } from "../../../../modules/waas/callbacks/inbox-sql"

/** What the admin sees of a recorded callback: its delivery and processing history (not the payload). */
export function adminCallbackView(c: CallbackRow) {
  return {
    id: c.id,
    side: c.side,
    waas_id: c.waas_id,
    last_status: c.last_status,
    received_count: Number(c.received_count),
    processed_count: Number(c.processed_count),
    pending: Number(c.processed_count) < Number(c.received_count),
    attempts: Number(c.attempts),
    failures: Number(c.failures),
    next_attempt_at: c.next_attempt_at,
    first_received_at: c.first_received_at,
    last_received_at: c.last_received_at,
    processed_at: c.processed_at,
    last_outcome: c.last_outcome,
    last_error: c.last_error,
  }
}
