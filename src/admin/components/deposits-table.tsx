import { Badge, Table, Text } from "@medusajs/ui"
import { formatDateTime } from "../lib/format"
import type { Credit, Deposit } from "../lib/types"
import { Copyable } from "./copyable"
import { HeldDepositDecision } from "./held-deposit-decision"
import { Status } from "./status"

/** A payment's deposits: txid (explorer link), confirmations, the WaaS's status, when it was credited, late and held markers. */
export function DepositsTable({ deposits, credits }: { deposits: Deposit[]; credits: Credit[] }) {
  return (
    <Table data-testid="waas-deposits-table">
      <Table.Header>
        <Table.Row>
          <Table.HeaderCell>Transaction</Table.HeaderCell>
          <Table.HeaderCell>Amount</Table.HeaderCell>
          <Table.HeaderCell>Confirmations</Table.HeaderCell>
          <Table.HeaderCell>Status</Table.HeaderCell>
          <Table.HeaderCell>Credited</Table.HeaderCell>
          <Table.HeaderCell />
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {deposits.map((d) => {
          const credit = credits.find((c) => c.deposit_id === d.id && c.entry === "credit")
          return (
            <Table.Row key={d.id} data-testid={`waas-deposit-${d.waas_deposit_id}`}>
              <Table.Cell className="max-w-[200px]">
                <Copyable value={d.txid} short href={d.explorer_tx_url} testId="waas-deposit-txid" />
              </Table.Cell>
              <Table.Cell>
                <Text size="small" data-testid="waas-deposit-amount">
                  {d.amount} {d.symbol}
                </Text>
              </Table.Cell>
              <Table.Cell>
                <Text size="small" data-testid="waas-deposit-confirmations">{d.confirmations}</Text>
              </Table.Cell>
              <Table.Cell>
                <div className="flex flex-wrap items-center gap-1 py-2">
                  <Status status={d.status} testId="waas-deposit-status" />
                  <Badge size="2xsmall" title="the WaaS's own status code">WaaS {d.waas_status}</Badge>
                  {d.timing === "late" || credit?.late ? <Badge size="2xsmall" color="orange">late</Badge> : null}
                  {d.status === "held" ? <Badge size="2xsmall" color="orange">held</Badge> : null}
                </div>
              </Table.Cell>
              <Table.Cell>
                <Text size="small">{credit ? formatDateTime(credit.created_at) : "—"}</Text>
              </Table.Cell>
              <Table.Cell>{d.status === "held" ? <HeldDepositDecision deposit={d} /> : null}</Table.Cell>
            </Table.Row>
          )
        })}
      </Table.Body>
    </Table>
  )
}
