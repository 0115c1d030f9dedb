import { Table, Text } from "@medusajs/ui"
import { formatDateTime, txUrl } from "../lib/format"
import type { Withdrawal } from "../lib/types"
import { Copyable } from "./copyable"
import { RefundActions } from "./refund-actions"
import { useUserEmails } from "../hooks/use-waas"
import { Status } from "./status"

/** The refunds of an order (or a list of them): status, crypto and fiat amounts, fees, txid, who asked and who approved. */
export function RefundsTable({ withdrawals, txTemplate, showOrder = false }: { withdrawals: Withdrawal[]; txTemplate?: string | null; showOrder?: boolean }) {
  const emails = useUserEmails().data
  const who = (id: string | null) => (id ? (emails?.get(id) ?? id) : "the plugin")
  return (
    <Table data-testid="waas-refunds-table">
      <Table.Header>
        <Table.Row>
          <Table.HeaderCell>Status</Table.HeaderCell>
          {showOrder ? <Table.HeaderCell>Order</Table.HeaderCell> : null}
          <Table.HeaderCell>Refund</Table.HeaderCell>
          <Table.HeaderCell>Fees</Table.HeaderCell>
          <Table.HeaderCell>Transaction</Table.HeaderCell>
          <Table.HeaderCell>Requested / approved</Table.HeaderCell>
          <Table.HeaderCell />
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {withdrawals.map((w) => (
          <Table.Row key={w.id} data-testid={`waas-refund-${w.id}`} data-status={w.status}>
            <Table.Cell>
              <div className="flex flex-col gap-y-1 py-2">
                <Status status={w.status} testId="waas-refund-status" />
                {w.failure_reason ? (
                  <Text size="xsmall" className="text-ui-fg-error" data-testid="waas-refund-failure">
                    {w.failure_code ? `${w.failure_code}: ` : ""}
                    {w.failure_reason}
                  </Text>
                ) : null}
                {w.rejection_reason ? <Text size="xsmall">rejected: {w.rejection_reason}</Text> : null}
              </div>
            </Table.Cell>
            {showOrder ? (
              <Table.Cell>
                {w.order_id ? <a className="text-ui-fg-interactive" href={`/app/orders/${w.order_id}`}>{w.order_id.slice(0, 14)}…</a> : w.source}
              </Table.Cell>
            ) : null}
            <Table.Cell>
              <div className="flex flex-col py-2">
                <Text size="small" data-testid="waas-refund-amount">
                  {w.refund_amount} {w.symbol}
                </Text>
                {w.fiat_amount ? (
                  <Text size="xsmall" className="text-ui-fg-subtle">
                    {w.fiat_amount} {w.currency_code?.toUpperCase()} at {w.rate} ({w.rate_basis})
                  </Text>
                ) : null}
                <Text size="xsmall" className="text-ui-fg-subtle">
                  sent {w.amount}, shopper receives {w.receive_amount ?? "?"}
                </Text>
              </div>
            </Table.Cell>
            <Table.Cell>
              <div className="flex flex-col py-2">
                <Text size="xsmall">service {w.withdraw_fee ?? w.expected_service_fee ?? "—"} {w.withdraw_fee_symbol ?? (w.expected_service_fee ? w.symbol : "")}</Text>
                <Text size="xsmall">miner {w.real_fee ?? "—"} {w.fee_symbol ?? ""}</Text>
              </div>
            </Table.Cell>
            <Table.Cell className="max-w-[180px]">
              {w.txid ? <Copyable value={w.txid} short href={txUrl(txTemplate, w.txid)} testId="waas-refund-txid" /> : <Text size="small">—</Text>}
            </Table.Cell>
            <Table.Cell>
              <div className="flex flex-col py-2">
                <Text size="xsmall" title={w.requested_by ?? ""}>by {who(w.requested_by)} · {formatDateTime(w.created_at)}</Text>
                <Text size="xsmall" data-testid="waas-refund-approvals">
                  approved {w.approved_by.ids.length}/{w.approvals_required}
                  {w.approved_by.ids.length ? ` by ${w.approved_by.ids.map(who).join(", ")}` : ""}
                </Text>
                {w.completed_at ? <Text size="xsmall">completed {formatDateTime(w.completed_at)}</Text> : null}
              </div>
            </Table.Cell>
            <Table.Cell>
              <RefundActions w={w} />
            </Table.Cell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table>
  )
}
