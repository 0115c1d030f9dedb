/** Display helpers: dates in the admin's locale, statuses as badge colours. Amounts are never reformatted. */

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—"
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" }).format(d)
}

/** "12 min 5 s" from a number of seconds (a duration, not money) */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds))
  const d = Math.floor(s / 86_400)
  const h = Math.floor((s % 86_400) / 3_600)
  const m = Math.floor((s % 3_600) / 60)
  const sec = s % 60
  if (d) return `${d} d ${h} h`
  if (h) return `${h} h ${m} min`
  if (m) return `${m} min ${sec} s`
  return `${sec} s`
}

export type BadgeColor = "green" | "red" | "blue" | "orange" | "grey" | "purple"

const COLORS: Record<string, BadgeColor> = {
  // crypto payments
  awaiting_payment: "blue",
  partially_paid: "orange",
  underpaid: "orange",
  paid: "green",
  overpaid: "purple",
  expired: "grey",
  canceled: "grey",
  reversed: "red",
  // deposits
  pending: "blue",
  credited: "green",
  held: "orange",
  orphaned: "orange",
  needs_review: "red",
  refund_pending: "purple",
  attached: "green",
  failed: "red",
  // withdrawals
  requested: "orange",
  approved: "blue",
  submitting: "blue",
  submitted: "blue",
  completed: "green",
  rejected: "grey",
  // reconciliation
  balanced: "green",
  breaks: "red",
  running: "blue",
  open: "red",
  acknowledged: "orange",
  healed: "green",
  resolved: "grey",
}

export function statusColor(status: string): BadgeColor {
  return COLORS[status] ?? "grey"
}

export function humanize(status: string): string {
  return status.replace(/_/g, " ")
}

/** A txid or address shortened for a table cell; the full value stays in the title and the copy button. */
export function shorten(value: string, keep = 10): string {
  return value.length <= keep * 2 + 1 ? value : `${value.slice(0, keep)}…${value.slice(-keep + 2)}`
}

export function txUrl(template: string | null | undefined, txid: string | null | undefined): string | null {
  if (!template || !txid) return null
  return template.split("{txid}").join(encodeURIComponent(txid))
}
