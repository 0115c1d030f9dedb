import { Button } from "@medusajs/ui"
import { useCurrentUser, useWaasAction } from "../hooks/use-waas"
import type { Withdrawal } from "../lib/types"
import { ReasonPrompt } from "./reason-prompt"

/**
 * Approve / Reject on a refund waiting for approval. Approve is not offered to its requester, nor to an admin who
 * already approved it (the API refuses both with 403 anyway); the outcome shows as a toast and in every list.
 */
export function RefundActions({ w }: { w: Withdrawal }) {
  const me = useCurrentUser()
  const approve = useWaasAction<{ id: string }, { withdrawal: Withdrawal }>(
    (b) => `/withdrawals/${b.id}/approve`,
    (r) => `Refund approved: ${r.withdrawal.status.replace(/_/g, " ")}`,
    () => ({}),
  )
  const reject = useWaasAction<{ id: string; reason: string }, { withdrawal: Withdrawal }>(
    (b) => `/withdrawals/${b.id}/reject`,
    () => "Refund rejected",
    (b) => ({ reason: b.reason }),
  )
  if (w.status !== "requested" || !me.data) return null
  const mine = w.requested_by === me.data.id
  const approvedAlready = w.approved_by.ids.includes(me.data.id)
  return (
    <div className="flex items-center gap-x-2" data-testid={`waas-refund-actions-${w.id}`}>
      {!mine && !approvedAlready ? (
        <Button size="small" onClick={() => approve.mutate({ id: w.id })} isLoading={approve.isPending} data-testid="waas-refund-approve">
          Approve
        </Button>
      ) : null}
      <ReasonPrompt
        label="Reject"
        title="Reject this refund?"
        description="Nothing is sent to the WaaS. Say why; the reason goes into the audit trail."
        confirm="Reject"
        testId="waas-refund-reject"
        onConfirm={(reason) => reject.mutate({ id: w.id, reason })}
      />
    </div>
  )
}
