import type { MedusaContainer } from "@medusajs/framework/types"
import { runAlerts } from "../workflows/alerts/runners/run-alerts"

/**
 * Every minute: the alert conditions read from the database (pool empty at checkouts, user cap, refused and
 * unprocessed callbacks, pollers behind, withdrawals not final, denied second confirmations). Each raises an
 * alert once while it holds and resolves it when it clears (alerts/README.md). Safe on several instances: the
 * open-alert index makes a concurrent raise a refresh, and each change is announced by the run that made it.
 */
export default async function evaluateAlertsJob(container: MedusaContainer): Promise<void> {
  await runAlerts(container, { source: "evaluate" })
}

export const config = {
  name: "waas-evaluate-alerts",
  schedule: "* * * * *",
}
