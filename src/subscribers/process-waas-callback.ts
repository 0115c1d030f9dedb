import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { DepositEvents } from "../modules/waas/deposits/outcome"
import { processingQueueOf } from "../workflows/callbacks/processing-queue"
import { processQueuedCallbacks } from "../workflows/deposits/runners/run-callback-processing"

/**
 * Queues the processing of a deposit notification right after the notify route recorded and acknowledged it
 * (workflows/callbacks/processing-queue.ts), by inbox id in the queue's deposit page. Failures
 * stay in the inbox (the deposit poller retries them); withdrawal notifications are left for the
 * withdrawal flow.
 */
export default async function processWaasCallback({
  event,
  container,
}: SubscriberArgs<{ id: string; side: "deposit" | "withdraw"; waas_id: string }>): Promise<void> {
  if (event.data.side !== "deposit") return
  const { id } = event.data
  // behind the instance's bounded queue: a burst of callbacks cannot starve the notify route, and is processed
  // a page at a time (the ids waiting when a run starts)
  processingQueueOf(container).enqueueInPage("deposit", id, (ids) => processQueuedCallbacks(container, ids))
}

export const config: SubscriberConfig = {
  event: DepositEvents.CALLBACK_RECORDED,
  context: { subscriberId: "waas-process-callback" },
}
