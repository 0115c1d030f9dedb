import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import type { Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { runAlerts } from "../workflows/alerts/runners/run-alerts"

/** what the reconciliation emits when a day's run ends; anything else is logged and ignored */
const ReconciliationCompleted = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  status: z.enum(["balanced", "breaks", "failed"]),
  breaks: z.record(z.string(), z.number().int().min(0)).optional(),
})

export const RECONCILIATION_COMPLETED = "waas.reconciliation.completed"

/** A day's reconciliation with breaks, or failed, raises an alert for that day; a balanced run of it resolves them. */
export default async function alertOnReconciliation({ event, container }: SubscriberArgs<unknown>): Promise<void> {
  const parsed = ReconciliationCompleted.safeParse(event.data)
  if (!parsed.success) {
    container
      .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .warn(`medusa-plugin-waas: ignored a ${RECONCILIATION_COMPLETED} event that does not read as {day, status, breaks}: ${parsed.error.issues[0]?.message}`)
    return
  }
  const { day, status, breaks = {} } = parsed.data
  await runAlerts(container, { source: "reconciliation", day, status, breaks })
}

export const config: SubscriberConfig = {
  event: RECONCILIATION_COMPLETED,
  context: { subscriberId: "waas-alert-on-reconciliation" },
}
