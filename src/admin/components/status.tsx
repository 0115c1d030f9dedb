import { StatusBadge } from "@medusajs/ui"
import { humanize, statusColor } from "../lib/format"

/** A status as Medusa's admin shows one: a coloured dot and the status in words. */
export function Status({ status, testId }: { status: string; testId?: string }) {
  return (
    <StatusBadge color={statusColor(status)} data-testid={testId} data-status={status}>
      {humanize(status)}
    </StatusBadge>
  )
}
