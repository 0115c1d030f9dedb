import { ArrowUpRightOnBox } from "@medusajs/icons"
import { Copy, Text } from "@medusajs/ui"
import { shorten } from "../lib/format"

/** A long value (address, txid) shown in full or shortened, with a copy button and an explorer link when known. */
export function Copyable({ value, href, short = false, testId }: { value: string; href?: string | null; short?: boolean; testId?: string }) {
  if (!value) return <Text size="small">—</Text>
  return (
    <div className="flex min-w-0 items-center gap-x-1">
      <Text size="small" className="truncate font-mono" title={value} data-testid={testId}>
        {short ? shorten(value) : value}
      </Text>
      <Copy content={value} className="text-ui-fg-muted" />
      {href ? (
        <a href={href} target="_blank" rel="noreferrer" className="text-ui-fg-interactive" title="Open in the explorer">
          <ArrowUpRightOnBox />
        </a>
      ) : null}
    </div>
  )
}
