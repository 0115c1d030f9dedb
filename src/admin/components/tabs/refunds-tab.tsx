import { Container, Heading, Table, Tabs } from "@medusajs/ui"
import { useEffect, useState } from "react"
import { useWithdrawalGroups, useWithdrawals } from "../../hooks/use-waas"
import { errorMessage } from "../../lib/sdk"
import type { WithdrawalGroupId } from "../../lib/types"
import { RefundsTable } from "../refunds-table"
import { EmptyState, ErrorState, SectionSkeleton } from "../states"

const GROUPS: Array<{ id: WithdrawalGroupId; label: string; empty: string }> = [
  { id: "waiting", label: "Waiting for approval", empty: "Refunds requested from an order wait here for a second admin's approval." },
  { id: "in_flight", label: "In flight", empty: "Approved refunds stay here until the WaaS reports them paid or failed." },
  { id: "failed", label: "Failed", empty: "Refunds the WaaS refused or failed appear here with its reason; their amount is refundable again." },
  { id: "completed", label: "Completed", empty: "Refunds the WaaS paid appear here, with their fees and transaction." },
  { id: "closed", label: "Rejected / canceled", empty: "Refunds rejected or canceled before they were sent." },
]
const PAGE_SIZE = 20

/**
 * Every refund by where it stands; approve and reject from the list. The API filters and pages each group
 * (GET …/withdrawals?group=&limit&offset) and counts them all (…/withdrawals/groups), so nothing is cut off.
 */
export function RefundsTab() {
  const [group, setGroup] = useState<WithdrawalGroupId>("waiting")
  const counts = useWithdrawalGroups()
  const byId = new Map((counts.data?.groups ?? []).map((g) => [g.id, g.count]))
  return (
    <Container className="divide-y p-0" data-testid="waas-refunds-tab">
      <div className="px-6 py-4">
        <Heading level="h2">Refunds</Heading>
      </div>
      {counts.isError ? <ErrorState message={errorMessage(counts.error)} /> : null}
      <Tabs value={group} onValueChange={(v) => setGroup(GROUPS.find((g) => g.id === v)?.id ?? "waiting")}>
        <Tabs.List className="px-6 py-2">
          {GROUPS.map((g) => (
            <Tabs.Trigger key={g.id} value={g.id} data-testid={`waas-refunds-group-${g.id}`}>
              {g.label}
              {byId.has(g.id) ? ` (${byId.get(g.id)})` : ""}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        {GROUPS.map((g) => (
          <Tabs.Content key={g.id} value={g.id}>
            {g.id === group ? <GroupPage group={g} /> : null}
          </Tabs.Content>
        ))}
      </Tabs>
    </Container>
  )
}

/** one group's refunds, a page at a time, with the API's total */
function GroupPage({ group }: { group: (typeof GROUPS)[number] }) {
  const [pageIndex, setPageIndex] = useState(0)
  const { data, isLoading, isError, error } = useWithdrawals({ group: group.id, limit: PAGE_SIZE, offset: pageIndex * PAGE_SIZE }, 5_000)
  const count = data?.count ?? 0
  const pageCount = Math.max(1, Math.ceil(count / PAGE_SIZE))
  // refunds that moved to another group can leave this page empty: go back to the group's last page
  useEffect(() => {
    if (data && pageIndex >= pageCount) setPageIndex(pageCount - 1)
  }, [data, pageIndex, pageCount])
  if (isLoading) return <SectionSkeleton />
  if (isError || !data) return <ErrorState message={errorMessage(error)} />
  if (count === 0) return <EmptyState title={`No refund ${group.label.toLowerCase()}`} description={group.empty} />
  return (
    <div data-testid={`waas-refunds-page-${group.id}`} data-count={count} data-page={pageIndex}>
      <RefundsTable withdrawals={data.withdrawals} showOrder />
      <Table.Pagination
        data-testid="waas-refunds-pagination"
        count={count}
        pageSize={PAGE_SIZE}
        pageIndex={pageIndex}
        pageCount={pageCount}
        canPreviousPage={pageIndex > 0}
        canNextPage={pageIndex + 1 < pageCount}
        previousPage={() => setPageIndex((p) => Math.max(0, p - 1))}
        nextPage={() => setPageIndex((p) => Math.min(pageCount - 1, p + 1))}
      />
    </div>
  )
}
