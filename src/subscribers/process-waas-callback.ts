import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { DepositEvents } from "../modules/waas/deposits/outcome"
import { processRecordedCallback } from "../workflows/deposits/runners/run-callback-processing"

/**
 * Processes a deposit notification right after the notify route recorded and acknowledged it. Failures
 * stay in the inbox (the deposit poller retries them); withdrawal notifications are left for the
 * withdrawal flow.
 */
export default async function processWaasCallback({
  event,
  container,
}: SubscriberArgs<{ id: string; side: "deposit" | "withdraw"; waas_id: string }>): Promise<void> {
  if (event.data.side !== "deposit") return
  await processRecordedCallback(container, event.data.id)
}

export const config: SubscriberConfig = {
  event: DepositEvents.CALLBACK_RECORDED,
  context: { subscriberId: "waas-process-callback" },
}
