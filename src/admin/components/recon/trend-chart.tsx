import { Table, Text } from "@medusajs/ui"
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts"
import { useReconTrend } from "../../hooks/use-recon"
import type { ReconTrend } from "../../lib/recon-types"
import { errorMessage } from "../../lib/sdk"
import { ErrorState, SectionSkeleton } from "../states"
import { Status } from "../status"

type Point = Record<string, number | string> & { day: string; open_breaks: number }

const PALETTE = ["#3b82f6", "#10b981", "#f59e0b", "#8b5cf6", "#ef4444", "#14b8a6"]

/**
 * The trend of [from, to] from one request (GET …/reconciliation/trend): per coin the volume in (deposits) and
 * out (withdrawals) of each day's standing run, and the number of breaks open per day. Bar heights need numbers
 * (Number() of the API's decimal string, for the geometry only); the tooltip and the figures table under the
 * chart show each amount exactly as the API gave it.
 */
export function TrendChart({ from, to }: { from: string; to: string }) {
  const { data, isLoading, isError, error } = useReconTrend(from, to)
  if (isLoading) return <SectionSkeleton rows={6} />
  if (isError || !data) return <ErrorState message={errorMessage(error)} />
  const symbols = [...new Set(data.days.flatMap((d) => d.coins.map((c) => c.symbol)))].sort()
  const exact = new Map<string, string>()
  const points: Point[] = data.days.map((d) => {
    const point: Point = { day: d.day, open_breaks: d.open_breaks }
    for (const c of d.coins) {
      for (const [side, value] of [["in", c.volume_in], ["out", c.volume_out]] as const) {
        point[`${c.symbol} ${side}`] = Number(value)
        exact.set(`${d.day}|${c.symbol} ${side}`, value)
      }
    }
    return point
  })
  const series = symbols.flatMap((s) => [`${s} in`, `${s} out`])
  return (
    <div data-testid="waas-recon-chart" data-days={points.length}>
      <div className="h-[320px] w-full px-6 py-4">
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
      <TrendFigures trend={data} symbols={symbols} />
    </div>
  )
}

/** the chart's figures as a table, exactly as the API gives them (for reading off a value, and for screen readers) */
function TrendFigures({ trend, symbols }: { trend: ReconTrend; symbols: string[] }) {
  return (
    <details className="px-6 pb-4" data-testid="waas-recon-chart-figures">
      <summary className="text-ui-fg-subtle txt-small cursor-pointer py-2">The chart's figures ({trend.time_zone} days)</summary>
      {symbols.length === 0 ? (
        <Text size="small" className="text-ui-fg-subtle py-2">
          No volume in these days yet: each finished run adds its day's deposits and withdrawals per coin.
        </Text>
      ) : null}
      <Table>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Day</Table.HeaderCell>
            <Table.HeaderCell>Run</Table.HeaderCell>
            {symbols.map((s) => (
              <Table.HeaderCell key={s}>{s} in / out</Table.HeaderCell>
            ))}
            <Table.HeaderCell>Open breaks</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {[...trend.days].reverse().map((d) => (
            <Table.Row key={d.day} data-testid={`waas-recon-trend-${d.day}`}>
              <Table.Cell>{d.day}</Table.Cell>
              <Table.Cell data-testid="waas-recon-trend-run" data-status={d.run?.status ?? "none"}>
                {d.run ? <Status status={d.run.status} /> : <Text size="small" className="text-ui-fg-muted">not run</Text>}
              </Table.Cell>
              {symbols.map((s) => {
                const c = d.coins.find((x) => x.symbol === s)
                return (
                  <Table.Cell key={s} data-testid={`waas-recon-trend-coin-${s}`}>
                    {c ? `${c.volume_in} / ${c.volume_out}` : "—"}
                  </Table.Cell>
                )
              })}
              <Table.Cell data-testid="waas-recon-trend-open">{d.open_breaks}</Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
    </details>
  )
}
