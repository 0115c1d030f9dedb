import { depositSeen } from "../checkout/payment-amounts"
import type { WaasOptions } from "../options"

type AddressReuse = WaasOptions["addressReuse"]

export interface ReleaseTarget {
  to: "available" | "cooling" | "retired"
  coolingUntil?: Date
}

/**
 * Where an address goes when its payment lets go of it early (session deleted, coin swapped). The shopper
 * has seen it either way. addressReuse "never": retired. A deposit seen: the full quarantine. No deposit:
 * out of the pool until the quote's monitoring window would have closed, so a late transfer from that quote
 * lands on an address no other payment holds (an orphan for review), never on the next shopper's order.
 */
export function releaseTarget(
  reuse: AddressReuse,
  payment: { monitor_until: Date | string; amount_received: string; amount_pending: string },
  now: Date,
): ReleaseTarget {
  if (reuse.mode === "never") return { to: "retired" }
  if (depositSeen(payment)) return { to: "cooling", coolingUntil: coolingUntil(reuse, now) }
  const watchedUntil = new Date(payment.monitor_until)
  return watchedUntil > now ? { to: "cooling", coolingUntil: watchedUntil } : { to: "available" }
}

/** Where addresses go once their payment's monitoring window is over. */
export function quarantineTarget(reuse: AddressReuse): "cooling" | "retired" {
  return reuse.mode === "never" ? "retired" : "cooling"
}

export function coolingUntil(reuse: AddressReuse, now: Date): Date {
  const seconds = reuse.mode === "quarantine" ? reuse.quarantineSeconds : 0
  return new Date(now.getTime() + seconds * 1000)
}
