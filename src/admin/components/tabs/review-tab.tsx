import { Button, Container, Heading, Table, Text } from "@medusajs/ui"
import { useOrphans, useWaasAction } from "../../hooks/use-waas"
import { formatDateTime, humanize } from "../../lib/format"
import { errorMessage } from "../../lib/sdk"
import type { Deposit } from "../../lib/types"
import { AttachDrawer } from "../attach-drawer"
import { Copyable } from "../copyable"
import { ReasonPrompt } from "../reason-prompt"
import { EmptyState, ErrorState, SectionSkeleton } from "../states"
import { Status } from "../status"

function why(d: Deposit): string {
  if (d.status === "reversed") return "the WaaS took a credited deposit back"
  if (d.status === "held") return "arrived after the quote expired (late-payment policy: hold)"
  if (d.review_reason) return d.review_reason
  return d.orphan_reason ? humanize(d.orphan_reason) : humanize(d.status)
}

function Decisions({ d }: { d: Deposit }) {
  const resolve = useWaasAction<{ action: "mark_for_refund" | "acknowledge"; note?: string }, { deposit: Deposit }>(
    () => `/orphans/${d.id}/resolve`,
    (r) => (r.deposit.resolution === "acknowledged" ? "Reversal acknowledged" : "Deposit marked for refund"),
  )
  if (d.status === "reversed") {
    return (
      <ReasonPrompt
        label="Acknowledge"
        title="Acknowledge this reversal?"
        description="It leaves the queue; the deposit stays reversed and the ledger as it is. Add a note for the audit trail."
        confirm="Acknowledge"
        optional
        testId="waas-review-acknowledge"
        onConfirm={(note) => resolve.mutate({ action: "acknowledge", ...(note ? { note } : {}) })}
      />
    )
  }
  return (
    <div className="flex items-center gap-x-2">
      <AttachDrawer deposit={d} />
      <Button size="small" variant="secondary" isLoading={resolve.isPending} onClick={() => resolve.mutate({ action: "mark_for_refund" })} data-testid="waas-review-refund">
        Mark for refund
      </Button>
    </div>
  )
}

/** Held and orphaned deposits (and reversals to acknowledge), oldest first, with their decisions. */
export function ReviewTab() {
  const { data, isLoading, isError, error } = useOrphans({ limit: 100 })
  return (
    <Container className="divide-y p-0" data-testid="waas-review-tab">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">Needs review</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          {data ? `${data.count} waiting, oldest first` : ""}
        </Text>
      </div>
      {isLoading ? (
        <SectionSkeleton />
      ) : isError ? (
        <ErrorState message={errorMessage(error)} />
      ) : !data?.deposits.length ? (
        <EmptyState title="Nothing to review" description="Deposits no payment took (unknown address, wrong coin, too late) and reversals appear here for a decision." />
      ) : (
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Received</Table.HeaderCell>
              <Table.HeaderCell>Status</Table.HeaderCell>
              <Table.HeaderCell>Why</Table.HeaderCell>
              <Table.HeaderCell>Amount</Table.HeaderCell>
              <Table.HeaderCell>To address / txid</Table.HeaderCell>
              <Table.HeaderCell />
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {data.deposits.map((d) => (
              <Table.Row key={d.id} data-testid={`waas-review-${d.waas_deposit_id}`}>
                <Table.Cell>{formatDateTime(d.waas_created_at)}</Table.Cell>
                <Table.Cell>
                  <Status status={d.status} />
                </Table.Cell>
                <Table.Cell className="max-w-[220px]">
                  <Text size="small" className="whitespace-normal">
                    {why(d)}
                  </Text>
                </Table.Cell>
                <Table.Cell>
                  <Text size="small" data-testid="waas-review-amount">
                    {d.amount} {d.symbol}
                  </Text>
                </Table.Cell>
                <Table.Cell className="max-w-[220px]">
                  <Copyable value={d.address_to} short />
                  <Copyable value={d.txid} short />
                </Table.Cell>
                <Table.Cell>
                  <Decisions d={d} />
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </Container>
  )
}
