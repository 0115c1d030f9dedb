import type { IEventBusModuleService, INotificationModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { AlertChanges, AlertRow } from "../../../modules/waas/alerts/alerts"

export const AlertEvents = { RAISED: "waas.alert.raised", RESOLVED: "waas.alert.resolved" } as const

const eventData = (a: AlertRow) => ({
  id: a.id,
  key: a.key,
  condition: a.condition,
  subject: a.subject,
  figures: a.figures,
  message: a.message,
  raised_at: new Date(a.raised_at).toISOString(),
  resolved_at: a.resolved_at ? new Date(a.resolved_at).toISOString() : null,
})

/**
 * Announces each change once (the verdict reported it to this run only): the events `waas.alert.raised` /
 * `waas.alert.resolved` with the condition and its figures, and an admin notification on the `feed` channel,
 * which the admin's bell shows. The messages carry figures and ids, never a secret.
 */
export const announceAlertsStep = createStep("waas-announce-alerts", async (changes: AlertChanges, { container }) => {
  const events = [
    ...changes.raised.map((a) => ({ name: AlertEvents.RAISED, data: eventData(a) })),
    ...changes.resolved.map((a) => ({ name: AlertEvents.RESOLVED, data: eventData(a) })),
  ]
  if (events.length === 0) return new StepResponse({ events: 0, notifications: 0 })
  const notifications = [
    ...changes.raised.map((a) => ({ title: `WaaS alert: ${a.condition.replace(/_/g, " ")}`, description: a.message, alert: a })),
    ...changes.resolved.map((a) => ({ title: `WaaS alert resolved: ${a.condition.replace(/_/g, " ")}`, description: a.message, alert: a })),
  ].map((n) => ({
    to: "",
    channel: "feed",
    template: "admin-ui",
    data: { title: n.title, description: n.description },
    resource_id: n.alert.id,
    resource_type: "waas_alert",
    // one notification per alert and change, even if an announcement is retried
    idempotency_key: `${n.alert.id}:${n.alert.status}`,
  }))
  await container.resolve<INotificationModuleService>(Modules.NOTIFICATION).createNotifications(notifications)
  await container.resolve<IEventBusModuleService>(Modules.EVENT_BUS).emit(events)
  return new StepResponse({ events: events.length, notifications: notifications.length })
})
