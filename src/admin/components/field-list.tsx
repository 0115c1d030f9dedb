import { Text } from "@medusajs/ui"
import type { ReactNode } from "react"

/** Label/value rows as Medusa's order page lays them out. */
export function FieldList({ rows }: { rows: Array<{ label: string; value: ReactNode; testId?: string }> }) {
  return (
    <div className="divide-y">
      {rows.map((r) => (
        <div key={r.label} className="text-ui-fg-subtle grid grid-cols-2 items-center gap-x-4 px-6 py-3">
          <Text size="small" weight="plus" leading="compact">
            {r.label}
          </Text>
          <div className="min-w-0" data-testid={r.testId}>
            {typeof r.value === "string" ? (
              <Text size="small" leading="compact">
                {r.value}
              </Text>
            ) : (
              r.value
            )}
          </div>
        </div>
      ))}
    </div>
  )
}
