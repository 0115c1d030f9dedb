import { Select, Table, Text } from "@medusajs/ui"
import { useQueryClient, useMutation } from "@tanstack/react-query"
import { toast } from "@medusajs/ui"
import { useState } from "react"
import { useReconBreaks } from "../../hooks/use-recon"
import { keys } from "../../hooks/use-waas"
import { formatDateTime, humanize } from "../../lib/format"
import { BREAK_TYPES, type ReconBreak } from "../../lib/recon-types"
import { errorMessage, postWaas } from "../../lib/sdk"
import { ReasonPrompt } from "../reason-prompt"
import { Status } from "../status"

const ANY = "any"

function FilterSelect({ label, value, options, onChange, testId }: { label: string; value: string; options: string[]; onChange: (v: string) => void; testId: string }) {
  return (
    <Select size="small" value={value} onValueChange={onChange}>
      <Select.Trigger className="w-[180px]" data-testid={testId}>
        <Select.Value placeholder={label} />
      </Select.Trigger>
      <Select.Content>
        <Select.Item value={ANY}>{label}: any</Select.Item>
        {options.map((o) => (
          <Select.Item key={o} value={o}>
            {humanize(o)}
          </Select.Item>
        ))}
      </Select.Content>
    </Select>
  )
}

const show = (v: Record<string, unknown> | null) => (v ? Object.entries(v).map(([k, x]) => `${k}: ${typeof x === "string" ? x : JSON.stringify(x)}`).join(", ") : "—")

/** A run's breaks with filters (type, kind, status, coin), and acknowledge / resolve with a note. */
export function BreaksTable({ runId, coins }: { runId: string; coins: string[] }) {
  const [type, setType] = useState(ANY)
  const [kind, setKind] = useState(ANY)
  const [status, setStatus] = useState(ANY)
  const [coin, setCoin] = useState(ANY)
  const q = { type: type === ANY ? undefined : type, kind: kind === ANY ? undefined : kind, status: status === ANY ? undefined : status, coin: coin === ANY ? undefined : coin, limit: 100 }
  const { data, isLoading } = useReconBreaks(runId, q)
  const client = useQueryClient()
  const act = useMutation({
    mutationFn: (b: { id: string; action: "acknowledge" | "resolve"; note: string }) => postWaas<{ break: ReconBreak }>(`/reconciliation/breaks/${b.id}/${b.action}`, { note: b.note }),
    onSuccess: async (r) => {
      toast.success(`Break ${humanize(r.break.status)}`)
      await client.invalidateQueries({ queryKey: keys.all })
    },
    onError: (e) => toast.error(errorMessage(e)),
  })
  return (
    <div className="flex flex-col" data-testid="waas-recon-breaks">
      <div className="flex flex-wrap gap-2 px-6 py-3">
        <FilterSelect label="Type" value={type} options={[...BREAK_TYPES]} onChange={setType} testId="waas-recon-filter-type" />
        <FilterSelect label="Kind" value={kind} options={["deposit", "withdrawal", "payment"]} onChange={setKind} testId="waas-recon-filter-kind" />
        <FilterSelect label="Status" value={status} options={["open", "acknowledged", "healed", "resolved"]} onChange={setStatus} testId="waas-recon-filter-status" />
        <FilterSelect label="Coin" value={coin} options={coins} onChange={setCoin} testId="waas-recon-filter-coin" />
      </div>
      {isLoading ? (
        <Text size="small" className="px-6 py-3">
          Loading breaks…
        </Text>
      ) : !data?.breaks.length ? (
        <Text size="small" className="text-ui-fg-subtle px-6 py-4">
          No break{type !== ANY || kind !== ANY || status !== ANY || coin !== ANY ? " matches these filters" : ": the three sides agree"}.
        </Text>
      ) : (
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Type</Table.HeaderCell>
              <Table.HeaderCell>Record</Table.HeaderCell>
              <Table.HeaderCell>WaaS</Table.HeaderCell>
              <Table.HeaderCell>Ledger</Table.HeaderCell>
              <Table.HeaderCell>Status</Table.HeaderCell>
              <Table.HeaderCell />
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {data.breaks.map((b) => (
              <Table.Row key={b.id} data-testid={`waas-recon-break-${b.id}`} data-status={b.status}>
                <Table.Cell>
                  <Text size="small">{humanize(b.type)}</Text>
                  <Text size="xsmall" className="text-ui-fg-subtle">
                    {b.kind} · {b.symbol}
                  </Text>
                </Table.Cell>
                <Table.Cell>
                  <Text size="xsmall">WaaS #{b.waas_id ?? "—"}</Text>
                  <Text size="xsmall">{b.ledger_id ?? "—"}</Text>
                  {b.order_id ? <a className="text-ui-fg-interactive text-xs" href={`/app/orders/${b.order_id}`}>order</a> : null}
                </Table.Cell>
                <Table.Cell className="max-w-[220px] whitespace-normal">
                  <Text size="xsmall">{show(b.waas_value)}</Text>
                </Table.Cell>
                <Table.Cell className="max-w-[220px] whitespace-normal">
                  <Text size="xsmall">{show(b.ledger_value)}</Text>
                </Table.Cell>
                <Table.Cell>
                  <Status status={b.status} testId="waas-recon-break-status" />
                  {b.healed_action ? <Text size="xsmall">{b.healed_action}</Text> : null}
                  {b.note ? <Text size="xsmall">note: {b.note} ({formatDateTime(b.acted_at)})</Text> : null}
                </Table.Cell>
                <Table.Cell>
                  <div className="flex gap-x-2">
                    {b.status === "open" ? (
                      <ReasonPrompt label="Acknowledge" title="Acknowledge this break?" description="Say what you know; the note and your name are kept." confirm="Acknowledge" testId="waas-recon-acknowledge" onConfirm={(note) => act.mutate({ id: b.id, action: "acknowledge", note })} />
                    ) : null}
                    {b.status === "open" || b.status === "acknowledged" ? (
                      <ReasonPrompt label="Resolve" title="Resolve this break?" description="Say how it was settled; resolved is final." confirm="Resolve" testId="waas-recon-resolve" onConfirm={(note) => act.mutate({ id: b.id, action: "resolve", note })} />
                    ) : null}
                  </div>
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </div>
  )
}
