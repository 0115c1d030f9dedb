import {
  Container,
  createDataTableColumnHelper,
  createDataTableFilterHelper,
  DataTable,
  type DataTableFilteringState,
  type DataTablePaginationState,
  Heading,
  Text,
  useDataTable,
} from "@medusajs/ui"
import { useMemo, useState } from "react"
import { Link, useNavigate } from "react-router-dom"
import { usePayments, usePool } from "../../hooks/use-waas"
import { formatDateTime, humanize, shorten } from "../../lib/format"
import type { PaymentRow } from "../../lib/types"
import { Status } from "../status"

const STATUSES = ["awaiting_payment", "partially_paid", "underpaid", "paid", "overpaid", "expired", "canceled", "reversed"]
const PAGE_SIZE = 20
const columns = createDataTableColumnHelper<PaymentRow>()
const filters = createDataTableFilterHelper<PaymentRow>()

type DateRange = { $gte?: string; $lte?: string; $gt?: string; $lt?: string }

/** the date filter's range as the API's created_from (inclusive) / created_to (exclusive) */
function dateQuery(value: unknown): { created_from?: string; created_to?: string } {
  if (!value || typeof value !== "object") return {}
  const r = value as DateRange
  const from = r.$gte ?? r.$gt
  const to = r.$lte ?? r.$lt
  const next = (iso: string) => new Date(new Date(iso).getTime() + (r.$lte ? 86_400_000 : 0)).toISOString()
  return { ...(from ? { created_from: new Date(from).toISOString() } : {}), ...(to ? { created_to: next(to) } : {}) }
}

const COLUMNS = [
  columns.accessor("display_id", {
    header: "Order",
    cell: ({ row }) =>
      row.original.order_id ? (
        <Link to={`/orders/${row.original.order_id}`} className="text-ui-fg-interactive txt-small" data-testid="waas-payment-order-link" onClick={(e) => e.stopPropagation()}>
          {row.original.display_id != null ? `#${row.original.display_id}` : row.original.order_id}
        </Link>
      ) : (
        <Text size="small">no order yet</Text>
      ),
  }),
  columns.accessor("status", { header: "Status", cell: ({ getValue }) => <Status status={getValue()} /> }),
  columns.accessor("symbol", { header: "Coin" }),
  columns.accessor("address", {
    header: "Address",
    cell: ({ getValue }) => (
      <Text size="small" className="font-mono" title={getValue()}>
        {shorten(getValue(), 8)}
      </Text>
    ),
  }),
  columns.accessor("amount_due", { header: "Due", cell: ({ row }) => `${row.original.amount_due}` }),
  columns.accessor("amount_received", { header: "Received" }),
  columns.accessor("amount_remaining", { header: "Remaining" }),
  columns.accessor("fiat_amount", {
    header: "Fiat",
    cell: ({ row }) => `${row.original.fiat_amount ?? "—"} ${row.original.currency_code.toUpperCase()}`,
  }),
  columns.accessor("created_at", { header: "Created", cell: ({ getValue }) => formatDateTime(getValue()) }),
]

/** Every crypto payment, newest first: filters (status, coin, dates), search (order number, address, txid), to the order. */
export function PaymentsTab() {
  const navigate = useNavigate()
  const pool = usePool()
  const [search, setSearch] = useState("")
  const [filtering, setFiltering] = useState<DataTableFilteringState>({})
  const [pagination, setPagination] = useState<DataTablePaginationState>({ pageIndex: 0, pageSize: PAGE_SIZE })
  const status = filtering.status as string[] | undefined
  const symbol = filtering.symbol as string | undefined
  const query = {
    limit: pagination.pageSize,
    offset: pagination.pageIndex * pagination.pageSize,
    q: search || undefined,
    status: status?.length ? status.join(",") : undefined,
    symbol: symbol || undefined,
    ...dateQuery(filtering.created_at),
  }
  const { data, isLoading, isError, error } = usePayments(query)
  const filterDefs = useMemo(
    () => [
      filters.accessor("status", { type: "multiselect", label: "Status", options: STATUSES.map((s) => ({ label: humanize(s), value: s })) }),
      filters.accessor("symbol", { type: "select", label: "Coin", options: (pool.data?.coins ?? []).map((c) => ({ label: c.symbol, value: c.symbol })) }),
      filters.accessor("created_at", { type: "date", label: "Created", format: "date", options: [] }),
    ],
    [pool.data],
  )
  const table = useDataTable({
    data: data?.crypto_payments ?? [],
    columns: COLUMNS,
    getRowId: (r) => r.id,
    rowCount: data?.count ?? 0,
    isLoading,
    filters: filterDefs,
    filtering: { state: filtering, onFilteringChange: setFiltering },
    search: { state: search, onSearchChange: setSearch },
    pagination: { state: pagination, onPaginationChange: setPagination },
    onRowClick: (_, row) => {
      if (row.order_id) navigate(`/orders/${row.order_id}`)
    },
  })
  return (
    <Container className="p-0" data-testid="waas-payments-tab">
      <DataTable instance={table}>
        <DataTable.Toolbar className="flex items-center justify-between px-6 py-4">
          <Heading level="h2">Payments</Heading>
          <div className="flex items-center gap-x-2">
            <DataTable.FilterMenu tooltip="Filter" />
            <DataTable.Search placeholder="Order number, address or txid" />
          </div>
        </DataTable.Toolbar>
        {isError ? (
          <Text size="small" className="text-ui-fg-error px-6 py-4">
            {error instanceof Error ? error.message : "The payments could not be loaded"}
          </Text>
        ) : null}
        <DataTable.Table
          emptyState={{
            empty: { heading: "No crypto payments yet", description: "A payment appears here as soon as a shopper chooses a coin at checkout." },
            filtered: { heading: "No payment matches", description: "Try another order number, address or txid, or clear the filters." },
          }}
        />
        <DataTable.Pagination />
      </DataTable>
    </Container>
  )
}
