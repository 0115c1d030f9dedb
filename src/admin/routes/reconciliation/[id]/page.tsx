import { Button, Container, Heading, Text, toast } from "@medusajs/ui"
import { useMutation, useQueryClient } from "@tanstack/react-query"
import { useNavigate, useParams } from "react-router-dom"
import { BreaksTable } from "../../../components/recon/breaks-table"
import { RunProgress } from "../../../components/recon/run-progress"
import { SideTotals } from "../../../components/recon/side-totals"
import { ErrorState, SectionSkeleton } from "../../../components/states"
import { Status } from "../../../components/status"
import { useReconRun } from "../../../hooks/use-recon"
import { keys } from "../../../hooks/use-waas"
import { formatDateTime } from "../../../lib/format"
import type { RunSummary } from "../../../lib/recon-types"
import { errorMessage, postWaas, sdk } from "../../../lib/sdk"

/** the day's CSV through the admin session (the SDK's fetch), saved as a file */
async function downloadCsv(day: string): Promise<void> {
  const response = await sdk.client.fetch<Response>(`/admin/waas/reconciliation/days/${day}/export`, { method: "GET", headers: { accept: "text/csv" } })
  const blob = await response.blob()
  const url = URL.createObjectURL(blob)
  const a = document.createElement("a")
  a.href = url
  a.download = `reconciliation-${day}.csv`
  document.body.appendChild(a)
  a.click()
  a.remove()
  URL.revokeObjectURL(url)
}

/** A day's drill-down: the three sides side by side, the fees, the breaks, Download CSV and Rerun (with progress). */
const ReconciliationRunPage = () => {
  const { id = "" } = useParams()
  const navigate = useNavigate()
  const client = useQueryClient()
  const { data, isLoading, isError, error } = useReconRun(id)
  const rerun = useMutation({
    mutationFn: (day: string) => postWaas<{ run: RunSummary }>(`/reconciliation/days/${day}/rerun`),
    onSuccess: async (r) => {
      toast.success(`Rerun of ${r.run.day} started (attempt ${r.run.attempt})`)
      await client.invalidateQueries({ queryKey: keys.all })
      navigate(`/reconciliation/${r.run.id}`)
    },
    onError: (e) => toast.error(errorMessage(e)),
  })
  const download = useMutation({ mutationFn: downloadCsv, onError: (e) => toast.error(errorMessage(e)) })
  if (isLoading) return <Container className="p-0"><SectionSkeleton rows={8} /></Container>
  if (isError || !data) return <Container className="p-0"><ErrorState message={errorMessage(error)} /></Container>
  const run = data.run
  const coins = [...new Set(run.totals.map((t) => t.symbol))]
  return (
    <div className="flex flex-col gap-y-3" data-testid="waas-recon-run-page" data-run-status={run.status}>
      <Container className="divide-y p-0">
        <div className="flex items-center justify-between px-6 py-4">
          <div>
            <Heading level="h1">Reconciliation of {run.day}</Heading>
            <Text size="small" className="text-ui-fg-subtle">
              attempt {run.attempt} ({run.trigger}) · {run.time_zone} · {formatDateTime(run.window_start)} – {formatDateTime(run.window_end)}
            </Text>
          </div>
          <div className="flex items-center gap-x-2">
            <Status status={run.status} testId="waas-recon-run-status" />
            <Button size="small" variant="secondary" isLoading={download.isPending} onClick={() => download.mutate(run.day)} data-testid="waas-recon-download">
              Download CSV
            </Button>
            <Button size="small" variant="secondary" disabled={run.status === "running"} isLoading={rerun.isPending} onClick={() => rerun.mutate(run.day)} data-testid="waas-recon-rerun">
              Rerun
            </Button>
          </div>
        </div>
        {run.status === "running" ? (
          <div className="px-6 py-4">
            <RunProgress progress={run.progress} />
          </div>
        ) : null}
        {run.failure_reason ? (
          <Text size="small" className="text-ui-fg-error px-6 py-3">
            {run.failure_reason}
          </Text>
        ) : null}
        <SideTotals run={run} />
      </Container>
      <Container className="divide-y p-0">
        <div className="px-6 py-4">
          <Heading level="h2">
            Breaks ({run.break_counts.open} open of {run.break_counts.total})
          </Heading>
        </div>
        <BreaksTable runId={run.id} coins={coins} />
      </Container>
    </div>
  )
}

export default ReconciliationRunPage
