import { Container, Heading, Tabs, Text } from "@medusajs/ui"
import { useWithdrawals } from "../../hooks/use-waas"
import { errorMessage } from "../../lib/sdk"
import type { Withdrawal } from "../../lib/types"
import { RefundsTable } from "../refunds-table"
import { EmptyState, ErrorState, SectionSkeleton } from "../states"

const GROUPS: Array<{ id: string; label: string; statuses: string[]; empty: string }> = [
  { id: "waiting", label: "Waiting for approval", statuses: ["requested"], empty: "Refunds requested from an order wait here for a second admin's approval." },
  { id: "in_flight", label: "In flight", statuses: ["approved", "submitting", "submitted"], empty: "Approved refunds stay here until the WaaS reports them paid or failed." },
  { id: "failed", label: "Failed", statuses: ["failed"], empty: "Refunds the WaaS refused or failed appear here with its reason; their amount is refundable again." },
  { id: "completed", label: "Completed", statuses: ["completed"], empty: "Refunds the WaaS paid appear here, with their fees and transaction." },
  { id: "closed", label: "Rejected / canceled", statuses: ["rejected", "canceled"], empty: "Refunds rejected or canceled before they were sent." },
]

/**
 * Every refund (the newest 200), by where it stands; approve and reject from the list. The API filters one status
 * at a time, so the groups are made here from one read.
 */
export function RefundsTab() {
  const { data, isLoading, isError, error } = useWithdrawals({ limit: 200 }, 5_000)
  const all: Withdrawal[] = data?.withdrawals ?? []
  return (
    <Container className="divide-y p-0" data-testid="waas-refunds-tab">
      <div className="px-6 py-4">
        <Heading level="h2">Refunds</Heading>
      </div>
      {isLoading ? (
        <SectionSkeleton />
      ) : isError ? (
        <ErrorState message={errorMessage(error)} />
      ) : (
        <Tabs defaultValue="waiting">
          <Tabs.List className="px-6 py-2">
            {GROUPS.map((g) => (
              <Tabs.Trigger key={g.id} value={g.id} data-testid={`waas-refunds-group-${g.id}`}>
                {g.label} ({all.filter((w) => g.statuses.includes(w.status)).length})
              </Tabs.Trigger>
            ))}
          </Tabs.List>
          {GROUPS.map((g) => {
            const rows = all.filter((w) => g.statuses.includes(w.status))
            return (
              <Tabs.Content key={g.id} value={g.id}>
                {rows.length ? <RefundsTable withdrawals={rows} showOrder /> : <EmptyState title={`No refund ${g.label.toLowerCase()}`} description={g.empty} />}
              </Tabs.Content>
            )
          })}
        </Tabs>
      )}
      {all.length === 200 ? (
        <Text size="xsmall" className="text-ui-fg-subtle px-6 py-2">
          Showing the newest 200 refunds.
        </Text>
      ) : null}
    </Container>
  )
}
