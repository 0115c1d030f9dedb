import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { DepositEvents } from "../modules/waas/deposits/outcome"
import { processingQueueOf } from "../workflows/callbacks/processing-queue"
import { processRecordedCallback } from "../workflows/deposits/runners/run-callback-processing"

/**
 * Queues the processing of a deposit notification right after the notify route recorded and acknowledged it
 * (workflows/callbacks/processing-queue.ts). Failures
 * stay in the inbox (the deposit poller retries them); withdrawal notifications are left for the
 * withdrawal flow.
 */
export default async function processWaasCallback({
  event,
  container,
}: SubscriberArgs<{ id: string; side: "deposit" | "withdraw"; waas_id: string }>): Promise<void> {
  if (event.data.side !== "deposit") return
  const { id } = event.data
  // behind the instance's bounded queue: a burst of callbacks cannot starve the notify route
  processingQueueOf(container).enqueue(`deposit:${id}`, () => processRecordedCallback(container, id))
}

export const config: SubscriberConfig = {
  event: DepositEvents.CALLBACK_RECORDED,
  context: { subscriberId: "waas-process-callback" },
}
