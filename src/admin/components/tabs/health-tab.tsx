import { Badge, Button, CodeBlock, Container, Heading, Table, Text } from "@medusajs/ui"
import { useQueryClient } from "@tanstack/react-query"
import { keys, useHealth } from "../../hooks/use-waas"
import { formatDateTime, formatDuration } from "../../lib/format"
import { errorMessage } from "../../lib/sdk"
import { FieldList } from "../field-list"
import { ErrorState, SectionSkeleton } from "../states"
import { Status } from "../status"

/** Whether the WaaS answers now, the callbacks, the pollers, and the options in force (secrets redacted). */
export function HealthTab() {
  const client = useQueryClient()
  const { data, isLoading, isError, error, isFetching } = useHealth()
  return (
    <div className="flex flex-col gap-y-3" data-testid="waas-health-tab">
      <Container className="divide-y p-0">
        <div className="flex items-center justify-between px-6 py-4">
          <Heading level="h2">Health</Heading>
          <Button size="small" variant="secondary" isLoading={isFetching} onClick={() => client.invalidateQueries({ queryKey: keys.health })} data-testid="waas-health-recheck">
            Check again
          </Button>
        </div>
        {isLoading ? (
          <SectionSkeleton rows={5} />
        ) : isError || !data ? (
          <ErrorState message={errorMessage(error)} />
        ) : (
          <FieldList
            rows={[
              {
                label: "WaaS",
                testId: "waas-health-waas",
                value: (
                  <div className="flex flex-col">
                    <Status status={data.waas.ok ? "completed" : "failed"} />
                    <Text size="small" data-testid="waas-health-latency">
                      {data.waas.ok ? `answers ${data.waas.endpoint} in ${data.waas.latency_ms} ms (${data.waas.coins} coins)` : `${data.waas.error} (after ${data.waas.latency_ms} ms)`}
                    </Text>
                  </div>
                ),
              },
              { label: "Last callback received", value: formatDateTime(data.callbacks.last_received_at), testId: "waas-health-last-callback" },
              { label: "Recorded, not processed", value: String(data.callbacks.unprocessed), testId: "waas-health-unprocessed" },
              { label: "Refused in the last 24 h", value: String(data.callbacks.refused_24h_total), testId: "waas-health-refused-total" },
            ]}
          />
        )}
      </Container>
      {data ? (
        <>
          <Container className="divide-y p-0">
            <div className="px-6 py-4">
              <Heading level="h3">Callbacks refused in the last 24 h</Heading>
            </div>
            {data.callbacks.refused_24h.length === 0 ? (
              <Text size="small" className="text-ui-fg-subtle px-6 py-4">
                None. Callbacks that do not decrypt, do not validate or name another app would be counted here by reason.
              </Text>
            ) : (
              <Table>
                <Table.Body>
                  {data.callbacks.refused_24h.map((r) => (
                    <Table.Row key={`${r.route}-${r.reason}`} data-testid={`waas-health-refused-${r.reason}`}>
                      <Table.Cell>{r.route}</Table.Cell>
                      <Table.Cell>{r.reason}</Table.Cell>
                      <Table.Cell data-testid="waas-health-refused-count">{r.count}</Table.Cell>
                      <Table.Cell>last {formatDateTime(r.last_at)}</Table.Cell>
                    </Table.Row>
                  ))}
                </Table.Body>
              </Table>
            )}
          </Container>
          <Container className="divide-y p-0">
            <div className="px-6 py-4">
              <Heading level="h3">Pollers</Heading>
            </div>
            <Table>
              <Table.Body>
                {data.pollers.map((p) => (
                  <Table.Row key={p.name} data-testid={`waas-health-poller-${p.name}`}>
                    <Table.Cell>{p.job}</Table.Cell>
                    <Table.Cell>last run {formatDateTime(p.last_run_at)}</Table.Cell>
                    <Table.Cell data-testid="waas-health-poller-lag">{p.lag_seconds === null ? "never ran" : `${formatDuration(p.lag_seconds)} ago`}</Table.Cell>
                    <Table.Cell>every {formatDuration(p.interval_seconds)}</Table.Cell>
                    <Table.Cell>{p.overdue ? <Badge size="2xsmall" color="red">overdue</Badge> : <Badge size="2xsmall" color="green">on time</Badge>}</Table.Cell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table>
          </Container>
          <Container className="divide-y p-0">
            <div className="px-6 py-4">
              <Heading level="h3">Options in force (secrets redacted)</Heading>
            </div>
            <div className="px-6 py-4" data-testid="waas-health-options">
              <CodeBlock snippets={[{ language: "json", label: "options", code: JSON.stringify(data.options, null, 2) }]}>
                <CodeBlock.Body />
              </CodeBlock>
            </div>
          </Container>
        </>
      ) : null}
    </div>
  )
}
