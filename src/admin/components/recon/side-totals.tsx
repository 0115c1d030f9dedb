import { Table, Text } from "@medusajs/ui"
import type { RunDetail } from "../../lib/recon-types"

/** Per coin and kind, the three sides' counts and sums side by side, then the fee totals; exactly as the API gives them. */
export function SideTotals({ run }: { run: RunDetail }) {
  const fees = Object.entries(run.fees).flatMap(([kind, bySymbol]) => Object.entries(bySymbol).map(([symbol, sum]) => ({ kind, symbol, sum })))
  return (
    <div className="flex flex-col">
      <Table data-testid="waas-recon-side-totals">
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Coin</Table.HeaderCell>
            <Table.HeaderCell>Kind</Table.HeaderCell>
            <Table.HeaderCell>WaaS</Table.HeaderCell>
            <Table.HeaderCell>Ledger</Table.HeaderCell>
            <Table.HeaderCell>Medusa</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {run.totals.map((t) => (
            <Table.Row key={`${t.kind}-${t.symbol}`} data-testid={`waas-recon-total-${t.kind}-${t.symbol}`}>
              <Table.Cell>{t.symbol}</Table.Cell>
              <Table.Cell>{t.kind.replace("_", " ")}</Table.Cell>
              <Table.Cell data-testid="waas-recon-total-waas">
                {t.waas.count} · {t.waas.sum}
                {t.waas.other_count ? ` (+${t.waas.other_count} other)` : ""}
              </Table.Cell>
              <Table.Cell data-testid="waas-recon-total-ledger">
                {t.ledger.count} · {t.ledger.sum}
                {t.ledger.other_count ? ` (+${t.ledger.other_count} other)` : ""}
              </Table.Cell>
              <Table.Cell data-testid="waas-recon-total-medusa">
                {t.medusa.count} ·{" "}
                {Object.entries(t.medusa.sums)
                  .map(([cur, sum]) => `${sum} ${cur.toUpperCase()}`)
                  .join(", ") || "—"}
              </Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
      <div className="flex flex-wrap gap-x-6 gap-y-1 px-6 py-3" data-testid="waas-recon-fees">
        {fees.length === 0 ? (
          <Text size="small" className="text-ui-fg-subtle">
            No fees this day.
          </Text>
        ) : (
          fees.map((f) => (
            <Text key={`${f.kind}-${f.symbol}`} size="small">
              {f.kind.replace(/_/g, " ")}: {f.sum} {f.symbol}
            </Text>
          ))
        )}
        {run.unreadable_records ? <Text size="small" className="text-ui-fg-error">{run.unreadable_records} WaaS records could not be read</Text> : null}
      </div>
    </div>
  )
}
