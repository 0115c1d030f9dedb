import { Text } from "@medusajs/ui"
import { useEffect, useState } from "react"
import { formatDateTime, formatDuration } from "../lib/format"

/** The quote's expiry, counting down each second while the payment awaits; the time itself in the admin's locale. */
export function Countdown({ until }: { until: string }) {
  const end = new Date(until).getTime()
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000)
    return () => clearInterval(t)
  }, [])
  const left = Math.floor((end - now) / 1_000)
  return (
    <Text size="small" title={formatDateTime(until)} data-testid="waas-countdown">
      {left > 0 ? `expires in ${formatDuration(left)}` : `expired ${formatDateTime(until)}`}
    </Text>
  )
}
