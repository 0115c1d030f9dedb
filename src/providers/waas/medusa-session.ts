import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"

/**
 * What the provider learns from Medusa's OWN payment_session row, never from the storefront's `data`: the
 * payment collection (the cart) the session belongs to. Medusa creates and commits that row before it calls
 * initiatePayment with the row's id (PaymentModuleService.createPaymentSession), so it is there to read.
 *
 * The provider lives in the payment module's container, which holds the module's own `paymentSessionService`
 * (the internal CRUD service PaymentModuleService is built from). Reading through it keeps us off the
 * payment module's tables and works wherever that module keeps its data.
 */
const SessionRow = z.object({ id: z.string(), payment_collection_id: z.string().min(1) })

interface SessionReader {
  retrieve(id: string, config: { select: string[] }): Promise<unknown>
}

export async function paymentCollectionOfSession(container: Record<string, unknown>, sessionId: string): Promise<string> {
  let reader: SessionReader | undefined
  try {
    reader = container.paymentSessionService as SessionReader | undefined
  } catch {
    // an awilix cradle throws on an unregistered name
    reader = undefined
  }
  if (!reader || typeof reader.retrieve !== "function") {
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      "medusa-plugin-waas: the payment module's paymentSessionService is not in the provider's container; this Medusa version is not supported",
    )
  }
  const row = SessionRow.safeParse(await reader.retrieve(sessionId, { select: ["id", "payment_collection_id"] }))
  if (!row.success || row.data.id !== sessionId) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `medusa-plugin-waas: no Medusa payment session ${sessionId}`)
  }
  return row.data.payment_collection_id
}
