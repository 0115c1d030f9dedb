import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { DepositEvents } from "../modules/waas/deposits/outcome"
import { processingQueueOf } from "../workflows/callbacks/processing-queue"
import { processRecordedWithdrawalCallback } from "../workflows/withdrawals/runners/run-withdrawal-callback"

/**
 * Queues the processing of a withdraw notification right after the notify route recorded and acknowledged it
 * (workflows/callbacks/processing-queue.ts; the inbox
 * announces both sides with one event; deposit notifications are process-waas-callback's). Failures stay
 * in the inbox for the withdrawal poller.
 */
export default async function processWaasWithdrawalCallback({
  event,
  container,
}: SubscriberArgs<{ id: string; side: "deposit" | "withdraw"; waas_id: string }>): Promise<void> {
  if (event.data.side !== "withdraw") return
  const { id } = event.data
  // behind the instance's bounded queue: a burst of callbacks cannot starve the notify route
  processingQueueOf(container).enqueue(`withdraw:${id}`, () => processRecordedWithdrawalCallback(container, id))
}

export const config: SubscriberConfig = {
  event: DepositEvents.CALLBACK_RECORDED,
  context: { subscriberId: "waas-process-withdrawal-callback" },
}
