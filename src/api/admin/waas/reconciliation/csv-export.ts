import type { MedusaResponse } from "@medusajs/framework/http"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { stringify } from "csv-stringify"
import { once } from "node:events"
import type { ExportLine } from "../../../../modules/waas/reconciliation/export-sql"
import type { Reconciliation } from "../../../../modules/waas/reconciliation/reconciliation"
import type { RunRow } from "../../../../modules/waas/reconciliation/runs-sql"

export const CSV_COLUMNS = [
  "day", "run_id", "line", "type", "kind", "symbol", "waas_id", "ledger_id", "order_id", "order_display_id",
  "waas_amount", "ledger_amount", "waas_status", "ledger_status", "waas_fee", "ledger_fee", "fee_symbol",
  "fiat_amount", "currency_code", "rate", "break_status", "note",
] as const

const PAGE = 1000

/**
 * Streams the export of runs as CSV (csv-stringify: RFC 4180 quoting, a header row), page by page from the
 * database, with backpressure: never the whole day in memory. Each line carries the order's display number
 * (read through Medusa's query graph, a page at a time).
 */
export async function streamRunsCsv(scope: MedusaContainer, recon: Reconciliation, runs: RunRow[], res: MedusaResponse, filename: string): Promise<void> {
  res.setHeader("content-type", "text/csv; charset=utf-8")
  res.setHeader("content-disposition", `attachment; filename="${filename}"`)
  const csv = stringify({ header: true, columns: [...CSV_COLUMNS] })
  csv.pipe(res)
  const query = scope.resolve(ContainerRegistrationKeys.QUERY)
  try {
    for (const run of runs) {
      for (let cursor: string | null = null; ; ) {
        const page: { lines: ExportLine[]; next: string | null } = await recon.exportLines(run, cursor, PAGE)
        const orderIds = [...new Set(page.lines.map((l) => l.order_id).filter((x): x is string => Boolean(x)))]
        const display = new Map<string, string>()
        if (orderIds.length) {
          const { data } = await query.graph({ entity: "order", fields: ["id", "display_id"], filters: { id: orderIds } })
          for (const o of data as Array<{ id: string; display_id: number | null }>) display.set(o.id, o.display_id === null ? "" : String(o.display_id))
        }
        for (const l of page.lines) {
          if (!csv.write({ ...l, order_display_id: l.order_id ? display.get(l.order_id) ?? "" : "" })) await once(csv, "drain")
        }
        if (page.next === null) break
        cursor = page.next
      }
    }
  } finally {
    csv.end()
  }
  await once(res, "finish")
}
