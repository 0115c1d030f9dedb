import type { WaasClient } from "../../../client"
import { withTimeout } from "../with-timeout"

export interface WaasCheck {
  ok: boolean
  /** the WaaS endpoint called: a signed, encrypted read that moves nothing */
  endpoint: "getCoinList"
  latency_ms: number
  /** coins the WaaS lists for this merchant */
  coins: number | null
  /** the failure's kind and message (typed client errors never carry a key or a ciphertext) */
  error: string | null
  checked_at: Date
}

/** how long the Health tab waits for the WaaS before it reports it unreachable */
export const WAAS_CHECK_TIMEOUT_MS = 8_000

/**
 * Asks the WaaS now, with a real signed call (getCoinList: encrypted with the merchant key, answer verified
 * with the WaaS public key), and measures it. A failure is a result, not an error: the screen shows it.
 */
export async function checkWaas(client: WaasClient, now: () => Date): Promise<WaasCheck> {
  const started = process.hrtime.bigint()
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n)
  try {
    const coins = await withTimeout(client.getCoinList(), WAAS_CHECK_TIMEOUT_MS, () => new Error(`no answer within ${WAAS_CHECK_TIMEOUT_MS} ms`))
    return { ok: true, endpoint: "getCoinList", latency_ms: elapsed(), coins: coins.length, error: null, checked_at: now() }
  } catch (e) {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
    return { ok: false, endpoint: "getCoinList", latency_ms: elapsed(), coins: null, error, checked_at: now() }
  }
}
