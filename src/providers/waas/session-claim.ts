import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { sessionBindingMatches } from "../../modules/waas/checkout/session-binding"
import type { CryptoPaymentDTO } from "../../modules/waas/service"

/**
 * What the provider reads from a session's `data`: the session id and binding the provider itself put
 * there, and the coin the storefront chose. Anything else in `data` is ignored; nothing in it is proof of
 * payment, and a session id in it is only a claim (see decideSession).
 */
export const SessionData = z.looseObject({
  session_id: z.string().min(1).max(200).optional(),
  session_binding: z.string().min(1).max(200).optional(),
  symbol: z.string().min(1).max(64).optional(),
})
export type SessionDataFields = z.infer<typeof SessionData>

export function readSessionData(data: Record<string, unknown> | undefined): SessionDataFields {
  const parsed = SessionData.safeParse(data ?? {})
  if (!parsed.success) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      "medusa-plugin-waas: session data has a malformed session_id, session_binding or symbol",
    )
  }
  return parsed.data
}

/**
 * Which session a provider call is about, and whether the provider may act on it.
 *
 * Medusa says which session it operates on only on some calls: `initiatePayment` and `authorizePayment`
 * get the session id as `context.idempotency_key` (payment module, createPaymentSession and
 * authorizePaymentSession). Then that id decides, and data naming another session is refused.
 * The other calls get `data` only (deletePayment: the stored session data, or during Medusa's cleanup the
 * storefront's raw data; cancelPayment: the Payment's data, with the Payment's id as the key). Then the
 * session named in data counts only with the binding the module stored for that very session.
 */
export type SessionDecision = { kind: "session"; sessionId: string } | { kind: "refused"; named: string; reason: string }

/** for a call that carries Medusa's own session id: that id, unless data names another session */
export function decideByMedusa(medusaSessionId: string, data: SessionDataFields): SessionDecision {
  const named = data.session_id
  if (named && named !== medusaSessionId) {
    return { kind: "refused", named, reason: `while Medusa is operating on payment session ${medusaSessionId}` }
  }
  return { kind: "session", sessionId: medusaSessionId }
}

/** for a call without Medusa's session id: the payment data names (looked up by the caller), if data carries its binding */
export function decideByBinding(data: SessionDataFields, payment: CryptoPaymentDTO): SessionDecision {
  const named = payment.payment_session_id
  if (!data.session_binding) {
    return { kind: "refused", named, reason: "without that session's binding (the data did not come from this provider)" }
  }
  if (!sessionBindingMatches(payment.session_binding, data.session_binding)) {
    return { kind: "refused", named, reason: "with a binding that is not that session's" }
  }
  return { kind: "session", sessionId: named }
}

/** the log line and error text of a refusal; never the binding itself */
export function refusalMessage(method: string, refused: Extract<SessionDecision, { kind: "refused" }>): string {
  return `medusa-plugin-waas: ${method} refused: its data names payment session ${refused.named} ${refused.reason}; that session's crypto payment was not touched`
}
