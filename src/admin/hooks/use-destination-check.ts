import { useEffect, useState } from "react"
import { errorMessage, postWaas } from "../lib/sdk"

export type DestinationCheck =
  | { state: "idle" }
  | { state: "checking" }
  | { state: "valid"; address: string }
  | { state: "invalid"; message: string }

/**
 * Live validation of a refund destination as the admin types (debounced): the same checks the request gets on
 * the server (the network's encoding, the WaaS's address format), through `POST /admin/waas/destination-check`.
 */
export function useDestinationCheck(symbol: string, address: string, memo: string): DestinationCheck {
  const [check, setCheck] = useState<DestinationCheck>({ state: "idle" })
  useEffect(() => {
    const trimmed = address.trim()
    if (!trimmed) {
      setCheck({ state: "idle" })
      return
    }
    setCheck({ state: "checking" })
    let live = true
    const t = setTimeout(() => {
      postWaas<{ valid: boolean; address?: string; message?: string }>("/destination-check", {
        symbol,
        address: trimmed,
        ...(memo.trim() ? { memo: memo.trim() } : {}),
      })
        .then((r) => {
          if (!live) return
          setCheck(r.valid ? { state: "valid", address: r.address ?? trimmed } : { state: "invalid", message: r.message ?? "not a valid address" })
        })
        .catch((e: unknown) => live && setCheck({ state: "invalid", message: errorMessage(e) }))
    }, 350)
    return () => {
      live = false
      clearTimeout(t)
    }
  }, [symbol, address, memo])
  return check
}
