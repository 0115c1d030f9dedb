import type { LoaderOptions } from "@medusajs/framework/types"
import { parseWaasOptions } from "../options"

/** A store that set withdrawals.approvals to 0 hears at every boot that refunds leave unreviewed. */
export default async function warnUnreviewedRefunds({ options, logger }: LoaderOptions): Promise<void> {
  const parsed = parseWaasOptions(options)
  if (parsed.withdrawals.approvals === 0) {
    logger?.warn(
      "medusa-plugin-waas: withdrawals.approvals is 0: refunds leave without a second pair of eyes (the requester's " +
        "request is sent to the WaaS as soon as it has a destination). Set it to 1 or more once the store has two admins.",
    )
  }
}
