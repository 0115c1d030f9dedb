import { Button } from "@medusajs/ui"
import { useWaasAction } from "../hooks/use-waas"
import type { Deposit } from "../lib/types"

/**
 * The decision on a deposit held by the late-payment policy: credit it to the payment it was sent for, or hand it
 * to the refund flow. Both re-read the deposit from the WaaS first; a refusal shows the API's reason.
 */
export function HeldDepositDecision({ deposit, orderId }: { deposit: Deposit; orderId?: string | null }) {
  const resolve = useWaasAction<{ action: "attach" | "mark_for_refund"; order_id?: string }, { deposit: Deposit }>(
    () => `/orphans/${deposit.id}/resolve`,
    (r) => (r.deposit.resolution === "attached" ? "Deposit credited to the order" : "Deposit marked for refund"),
  )
  return (
    <div className="flex items-center gap-x-2" data-testid={`waas-held-${deposit.id}`}>
      <Button size="small" variant="secondary" isLoading={resolve.isPending} onClick={() => resolve.mutate({ action: "attach", ...(orderId ? { order_id: orderId } : {}) })} data-testid="waas-held-accept">
        Accept
      </Button>
      <Button size="small" variant="secondary" isLoading={resolve.isPending} onClick={() => resolve.mutate({ action: "mark_for_refund" })} data-testid="waas-held-refund">
        Mark for refund
      </Button>
    </div>
  )
}
