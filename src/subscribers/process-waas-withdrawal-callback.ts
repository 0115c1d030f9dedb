import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { DepositEvents } from "../modules/waas/deposits/outcome"
import { processRecordedWithdrawalCallback } from "../workflows/withdrawals/runners/run-withdrawal-callback"

/**
 * Processes a withdraw notification right after the notify route recorded and acknowledged it (the inbox
 * announces both sides with one event; deposit notifications are process-waas-callback's). Failures stay
 * in the inbox for the withdrawal poller.
 */
export default async function processWaasWithdrawalCallback({
  event,
  container,
}: SubscriberArgs<{ id: string; side: "deposit" | "withdraw"; waas_id: string }>): Promise<void> {
  if (event.data.side !== "withdraw") return
  await processRecordedWithdrawalCallback(container, event.data.id)
}

export const config: SubscriberConfig = {
  event: DepositEvents.CALLBACK_RECORDED,
  context: { subscriberId: "waas-process-withdrawal-callback" },
}
