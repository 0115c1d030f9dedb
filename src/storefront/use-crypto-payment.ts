import { useEffect, useRef, useState } from "react"
import type { CryptoPaymentPublicView } from "../modules/waas/checkout/public-view"

export type CryptoPaymentView = CryptoPaymentPublicView

export type UseCryptoPaymentInput = {
  /** the payment session's id (`payment_collection.payment_sessions[i].id` of provider `pp_waas_waas`) */
  sessionId: string
  /** the Medusa backend's URL, e.g. process.env.NEXT_PUBLIC_MEDUSA_BACKEND_URL */
  backendUrl: string
  /** the store's publishable API key (NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY) */
  publishableKey: string
  /** how often to ask (ms); 5000 by default */
  pollIntervalMs?: number
}

export type UseCryptoPaymentResult = {
  payment: CryptoPaymentView | null
  /** the last failed request's message; cleared by the next success */
  error: string | null
  /** milliseconds between the server's clock and this browser's (add to Date.now() for the countdown) */
  clockSkewMs: number
}

const STOPPED = new Set(["paid", "overpaid", "canceled"])

/**
 * Polls `GET /store/waas/payments/:session_id` (the same public view the hosted page shows) until the payment
 * is paid, overpaid or canceled; asks again at once when the tab becomes visible.
 */
export function useCryptoPayment({ sessionId, backendUrl, publishableKey, pollIntervalMs = 5000 }: UseCryptoPaymentInput): UseCryptoPaymentResult {
  const [state, setState] = useState<UseCryptoPaymentResult>({ payment: null, error: null, clockSkewMs: 0 })
  const done = useRef(false)

  useEffect(() => {
    done.current = false
    let active = true
    let inFlight: AbortController | null = null
    const url = `${backendUrl.replace(/\/+$/, "")}/store/waas/payments/${encodeURIComponent(sessionId)}`
    const load = async () => {
      if (done.current || inFlight) return
      inFlight = new AbortController()
      try {
        const response = await fetch(url, { headers: { "x-publishable-api-key": publishableKey }, signal: inFlight.signal, cache: "no-store" })
        const body = (await response.json().catch(() => null)) as { payment?: CryptoPaymentView; message?: string } | null
        if (!active) return
        if (!response.ok || !body?.payment) {
          setState((s) => ({ ...s, error: body?.message ?? `HTTP ${response.status}` }))
          return
        }
        const serverDate = Date.parse(response.headers.get("date") ?? "")
        const payment = body.payment
        done.current = STOPPED.has(payment.status)
        setState({ payment, error: null, clockSkewMs: Number.isFinite(serverDate) ? serverDate - Date.now() : 0 })
      } catch (e) {
        if (active && !(e instanceof DOMException && e.name === "AbortError")) {
          setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) }))
        }
      } finally {
        inFlight = null
      }
    }
    void load()
    const timer = setInterval(load, pollIntervalMs)
    const onVisible = () => {
      if (!document.hidden) void load()
    }
    document.addEventListener("visibilitychange", onVisible)
    return () => {
      active = false
      inFlight?.abort()
      clearInterval(timer)
      document.removeEventListener("visibilitychange", onVisible)
    }
  }, [sessionId, backendUrl, publishableKey, pollIntervalMs])

  return state
}
