import { Text } from "@medusajs/ui"
import type { ReconProgress } from "../../lib/recon-types"

/** A running run's progress as a bar, with its phase and counts. */
export function RunProgress({ progress }: { progress: ReconProgress }) {
  const pct = Math.max(0, Math.min(100, progress.percent))
  return (
    <div className="flex min-w-[200px] flex-col gap-y-1" data-testid="waas-recon-progress" data-percent={pct}>
      <div className="bg-ui-bg-subtle h-2 w-full overflow-hidden rounded-full" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
        <div className="bg-ui-fg-interactive h-full transition-all" style={{ width: `${pct}%` }} />
      </div>
      <Text size="xsmall" className="text-ui-fg-subtle">
        {progress.phase} · {pct} % · {progress.records_compared}/{progress.records_to_compare} compared
      </Text>
    </div>
  )
}
