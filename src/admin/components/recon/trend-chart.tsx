import { Text } from "@medusajs/ui"
import { useQueries } from "@tanstack/react-query"
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts"
import { reconKeys } from "../../hooks/use-recon"
import type { RunDetail, RunsList } from "../../lib/recon-types"
import { getWaas } from "../../lib/sdk"

type Point = Record<string, number | string> & { day: string; open_breaks: number }

const PALETTE = ["#3b82f6", "#10b981", "#f59e0b", "#8b5cf6", "#ef4444", "#14b8a6"]

/**
 * The 30-day trend: per coin the volume in (deposits) and out (withdrawals) of each day's latest run, and the
 * number of open breaks per day. Bar heights need numbers (Number() of the API's decimal string, for the geometry
 * only); the tooltip shows each figure exactly as the API gave it.
 */
export function TrendChart({ list }: { list: RunsList }) {
  const days = [...list.days].reverse()
  const details = useQueries({
    queries: days
      .filter((d) => d.run)
      .map((d) => ({ queryKey: reconKeys.run(d.run!.id), queryFn: () => getWaas<{ run: RunDetail }>(`/reconciliation/runs/${d.run!.id}`) })),
  })
  const byRun = new Map(details.flatMap((q) => (q.data ? [[q.data.run.id, q.data.run] as const] : [])))
  const coins = new Set<string>()
  const exact = new Map<string, string>()
  const points: Point[] = days.map((d) => {
    const point: Point = { day: d.day, open_breaks: d.run?.break_counts.open ?? 0 }
    const run = d.run ? byRun.get(d.run.id) : undefined
    for (const t of run?.totals ?? []) {
      if (t.kind === "miner_fee") continue
      const key = `${t.symbol} ${t.kind === "deposit" ? "in" : "out"}`
      coins.add(key)
      point[key] = Number(t.waas.sum)
      exact.set(`${d.day}|${key}`, t.waas.sum)
    }
    return point
  })
  const series = [...coins].sort()
  return (
    <div className="h-[320px] w-full px-6 py-4" data-testid="waas-recon-chart" data-days={points.length}>
      {details.some((q) => q.isLoading) ? (
        <Text size="small" className="text-ui-fg-subtle">
          Loading the days' totals…
        </Text>
      ) : null}
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border-base, #e5e7eb)" />
          <XAxis dataKey="day" tick={{ fontSize: 11 }} tickFormatter={(d: string) => d.slice(5)} />
          <YAxis yAxisId="volume" tick={{ fontSize: 11 }} />
          <YAxis yAxisId="breaks" orientation="right" allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip
            formatter={(value, name, item) => {
              const day = (item?.payload as Point | undefined)?.day ?? ""
              return [name === "open breaks" ? String(value) : (exact.get(`${day}|${String(name)}`) ?? String(value)), String(name)]
            }}
          />
          <Legend />
          {series.map((s, i) => (
            <Bar key={s} yAxisId="volume" dataKey={s} name={s} fill={PALETTE[i % PALETTE.length]} stackId={s.endsWith(" in") ? "in" : "out"} />
          ))}
          <Line yAxisId="breaks" type="monotone" dataKey="open_breaks" name="open breaks" stroke="#ef4444" strokeWidth={2} dot={{ r: 2 }} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  )
}
