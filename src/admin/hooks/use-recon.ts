import { useQuery } from "@tanstack/react-query"
import { getWaas } from "../lib/sdk"
import type { ReconBreak, ReconTrend, RunDetail, RunsList } from "../lib/recon-types"

export const reconKeys = {
  runs: (from: string, to: string) => ["waas", "recon", "runs", from, to] as const,
  trend: (from: string, to: string) => ["waas", "recon", "trend", from, to] as const,
  run: (id: string) => ["waas", "recon", "run", id] as const,
  breaks: (id: string, q: Record<string, string | number | undefined>) => ["waas", "recon", "breaks", id, q] as const,
}

/** the days in [from, to] with their latest run; polled while a run is in progress (its progress bar moves) */
export function useReconRuns(from: string, to: string) {
  return useQuery({
    queryKey: reconKeys.runs(from, to),
    queryFn: () => getWaas<RunsList>("/reconciliation/runs", { from, to }),
    refetchInterval: (q) => (q.state.data?.totals.running ? 1_000 : false),
  })
}

/** the chart's days in one request; polled while one of them is being run (its bars appear when it finishes) */
export function useReconTrend(from: string, to: string) {
  return useQuery({
    queryKey: reconKeys.trend(from, to),
    queryFn: () => getWaas<ReconTrend>("/reconciliation/trend", { from, to }),
    refetchInterval: (q) => (q.state.data?.days.some((d) => d.run?.status === "running") ? 2_000 : false),
  })
}

export function useReconRun(id: string) {
  return useQuery({
    queryKey: reconKeys.run(id),
    queryFn: () => getWaas<{ run: RunDetail }>(`/reconciliation/runs/${id}`),
    refetchInterval: (q) => (q.state.data?.run.status === "running" ? 1_000 : false),
  })
}

export function useReconBreaks(id: string, q: Record<string, string | number | undefined>) {
  return useQuery({
    queryKey: reconKeys.breaks(id, q),
    queryFn: () => getWaas<{ breaks: ReconBreak[]; count: number }>(`/reconciliation/runs/${id}/breaks`, q),
    placeholderData: (previous) => previous,
  })
}
