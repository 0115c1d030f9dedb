import { defineRouteConfig } from "@medusajs/admin-sdk"
import { ChartBar } from "@medusajs/icons"
import { Container, Heading, Table, Text } from "@medusajs/ui"
import { Link } from "react-router-dom"
import { RunProgress } from "../../components/recon/run-progress"
import { TrendChart } from "../../components/recon/trend-chart"
import { EmptyState, ErrorState, SectionSkeleton } from "../../components/states"
import { Status } from "../../components/status"
import { useReconRuns } from "../../hooks/use-recon"
import { daysBefore, isoDay } from "../../lib/day"
import { formatDateTime } from "../../lib/format"
import { errorMessage } from "../../lib/sdk"

/** "Reconciliation": the last 30 days with their status and totals, the trend chart, and a link to each day. */
const ReconciliationPage = () => {
  const to = isoDay(new Date())
  const from = daysBefore(to, 29)
  const { data, isLoading, isError, error } = useReconRuns(from, to)
  return (
    <div className="flex flex-col gap-y-3" data-testid="waas-recon-page">
      <Container className="divide-y p-0">
        <div className="flex items-center justify-between px-6 py-4">
          <div>
            <Heading level="h1">Reconciliation</Heading>
            <Text size="small" className="text-ui-fg-subtle">
              The WaaS, the plugin's ledger and Medusa compared day by day{data ? ` (days in ${data.time_zone})` : ""}.
            </Text>
          </div>
          {data ? (
            <Text size="small" data-testid="waas-recon-totals">
              {data.totals.runs} runs · {data.totals.balanced} balanced · {data.totals.breaks} with breaks · {data.totals.failed} failed · {data.totals.open_breaks} open breaks
            </Text>
          ) : null}
        </div>
        <TrendChart from={from} to={to} />
      </Container>
      <Container className="p-0">
        {isLoading ? <SectionSkeleton rows={6} /> : isError ? <ErrorState message={errorMessage(error)} /> : null}
        {data && data.days.every((d) => !d.run) ? (
          <EmptyState title="No reconciliation yet" description="The daily job compares each closed day after midnight; its runs appear here." />
        ) : data ? (
          <Table data-testid="waas-recon-days">
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Day</Table.HeaderCell>
                <Table.HeaderCell>Status</Table.HeaderCell>
                <Table.HeaderCell>Breaks (open / total)</Table.HeaderCell>
                <Table.HeaderCell>Attempt</Table.HeaderCell>
                <Table.HeaderCell>Finished</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {data.days.map(({ day, run }) => (
                <Table.Row key={day} data-testid={`waas-recon-day-${day}`}>
                  <Table.Cell>{run ? <Link className="text-ui-fg-interactive" to={`/reconciliation/${run.id}`}>{day}</Link> : day}</Table.Cell>
                  <Table.Cell>{run ? <Status status={run.status} /> : <Text size="small" className="text-ui-fg-muted">not run</Text>}</Table.Cell>
                  <Table.Cell data-testid="waas-recon-day-breaks">{run ? `${run.break_counts.open} / ${run.break_counts.total}` : "—"}</Table.Cell>
                  <Table.Cell>{run ? `${run.attempt} (${run.trigger})` : "—"}</Table.Cell>
                  <Table.Cell>{run?.status === "running" ? <RunProgress progress={run.progress} /> : formatDateTime(run?.finished_at)}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        ) : null}
      </Container>
    </div>
  )
}

export const config = defineRouteConfig({ label: "Reconciliation", icon: ChartBar })

export default ReconciliationPage
