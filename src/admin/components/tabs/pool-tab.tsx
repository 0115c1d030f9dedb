import { Badge, Button, Container, Heading, Table, Text } from "@medusajs/ui"
import { usePool, useWaasAction } from "../../hooks/use-waas"
import { formatDateTime } from "../../lib/format"
import { errorMessage } from "../../lib/sdk"
import type { PoolView } from "../../lib/types"
import { EmptyState, ErrorState, SectionSkeleton } from "../states"

/** The address pool per coin, the WaaS user cap used, the last refill and its result, and "Refill now". */
export function PoolTab() {
  const { data, isLoading, isError, error } = usePool()
  const refill = useWaasAction<Record<string, never>, { report: { skipped?: string; coins: Array<{ symbol: string; added: number; errors: string[] }> }; pool: PoolView }>(
    () => "/pool/refill",
    (r) =>
      r.report.skipped
        ? `Refill skipped: ${r.report.skipped}`
        : `Refilled: ${r.report.coins.map((c) => `${c.symbol} +${c.added}${c.errors.length ? ` (${c.errors.length} error)` : ""}`).join(", ") || "nothing to do"}`,
  )
  const last = data?.last_refill
  return (
    <Container className="divide-y p-0" data-testid="waas-pool-tab">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">Address pool</Heading>
        <Button size="small" variant="secondary" onClick={() => refill.mutate({})} isLoading={refill.isPending} data-testid="waas-pool-refill">
          Refill now
        </Button>
      </div>
      {isLoading ? (
        <SectionSkeleton />
      ) : isError ? (
        <ErrorState message={errorMessage(error)} />
      ) : !data?.coins.length ? (
        <EmptyState title="No coin configured" description="Each coin in the plugin's options gets a pool of deposit addresses, shown here." />
      ) : (
        <>
          <div className="flex flex-wrap gap-x-8 gap-y-2 px-6 py-4">
            <Text size="small" data-testid="waas-pool-users">
              WaaS users {data.users.count} / {data.users.cap} ({(data.users.used_ratio * 100).toFixed(2)} % of the cap)
            </Text>
            <Text size="small" data-testid="waas-pool-last-refill">
              Last refill: {last ? `${formatDateTime(last.created_at)} by ${last.trigger === "admin" ? "an admin" : "the job"}, ${last.skipped ? `skipped (${last.skipped})` : last.failed ? "with errors" : "ok"}` : "never"}
            </Text>
          </div>
          <Table>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Coin</Table.HeaderCell>
                <Table.HeaderCell>Available</Table.HeaderCell>
                <Table.HeaderCell>Assigned</Table.HeaderCell>
                <Table.HeaderCell>Cooling</Table.HeaderCell>
                <Table.HeaderCell>Retired</Table.HeaderCell>
                <Table.HeaderCell>Low watermark</Table.HeaderCell>
                <Table.HeaderCell>Last refill</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {data.coins.map((c) => (
                <Table.Row key={c.symbol} data-testid={`waas-pool-${c.symbol}`}>
                  <Table.Cell>
                    <div className="flex items-center gap-x-2">
                      <Text size="small">{c.symbol}</Text>
                      {!c.enabled ? <Badge size="2xsmall">disabled</Badge> : null}
                      {c.below_watermark ? <Badge size="2xsmall" color="red">running low</Badge> : null}
                    </div>
                  </Table.Cell>
                  <Table.Cell data-testid="waas-pool-available">{c.available}</Table.Cell>
                  <Table.Cell data-testid="waas-pool-assigned">{c.assigned}</Table.Cell>
                  <Table.Cell data-testid="waas-pool-cooling">{c.cooling}</Table.Cell>
                  <Table.Cell data-testid="waas-pool-retired">{c.retired}</Table.Cell>
                  <Table.Cell data-testid="waas-pool-watermark">{c.low_watermark}</Table.Cell>
                  <Table.Cell>
                    {c.last_refill ? (
                      <Text size="small" title={c.last_refill.errors.join("\n")}>
                        {c.last_refill.before} → {c.last_refill.after} (+{c.last_refill.added})
                        {c.last_refill.errors.length ? `, ${c.last_refill.errors[0]}` : ""}
                      </Text>
                    ) : (
                      "—"
                    )}
                  </Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        </>
      )}
    </Container>
  )
}
