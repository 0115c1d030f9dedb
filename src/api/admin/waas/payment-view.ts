import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import type { CryptoPaymentDTO } from "../../../modules/waas/service"
import { buildExplorerUrl, buildTxExplorerUrl, explorerTxTemplate } from "../../../modules/waas/checkout/payment-uri"

/**
 * What the admin sees of a crypto payment: the payment itself (every figure an exact decimal string),
 * the deposits matched to it and its ledger entries (credits, and the reversing entries of reversed deposits).
 * Internal, never a secret: no key, no option value.
 */
export async function adminPaymentView(waas: WaasModuleService, payment: CryptoPaymentDTO) {
  const [deposits, credits] = await Promise.all([
    waas.listDeposits({ crypto_payment_id: payment.id }, { order: { waas_created_at: "ASC" } }),
    waas.listDepositCredits({ crypto_payment_id: payment.id }, { order: { created_at: "ASC" } }),
  ])
  const explorer = waas.listEnabledCoins().find((c) => c.symbol === payment.symbol)?.explorerUrl ?? null
  return {
    crypto_payment: {
      id: payment.id,
      payment_session_id: payment.payment_session_id,
      order_id: payment.order_id,
      status: payment.status,
      symbol: payment.symbol,
      network: payment.network,
      address: payment.address,
      amount_due: payment.amount_due,
      amount_received: payment.amount_received,
      amount_pending: payment.amount_pending,
      amount_excess: payment.amount_excess,
      amount_remaining: waas.toPublicView(payment).amount_remaining,
      rate: payment.rate,
      currency_code: payment.currency_code,
      expires_at: payment.expires_at,
      monitor_until: payment.monitor_until,
      medusa_captured_at: payment.medusa_captured_at,
      created_at: payment.created_at,
      /** the explorer's page of the deposit address, and its transaction page as a `{txid}` template (null: no explorer configured) */
      explorer_address_url: buildExplorerUrl(explorer ?? undefined, payment.address),
      explorer_tx_template: explorerTxTemplate(explorer),
    },
    deposits: deposits.map((d) => ({ ...adminDepositView(d), explorer_tx_url: buildTxExplorerUrl(explorer, d.txid) })),
    credits: credits.map((c) => ({
      id: c.id,
      waas_deposit_id: c.waas_deposit_id,
      deposit_id: c.deposit_id,
      entry: c.entry,
      reverses_id: c.reverses_id,
      amount: c.amount,
      symbol: c.symbol,
      late: c.late,
      source: c.source,
      credited_by: c.credited_by,
      created_at: c.created_at,
    })),
  }
}

type DepositDTO = Awaited<ReturnType<WaasModuleService["listDeposits"]>>[number]

export function adminDepositView(d: DepositDTO) {
  return {
    id: d.id,
    waas_deposit_id: d.waas_deposit_id,
    status: d.status,
    symbol: d.symbol,
    amount: d.amount,
    address_to: d.address_to,
    txid: d.txid,
    confirmations: d.confirmations,
    waas_status: d.waas_status,
    waas_created_at: d.waas_created_at,
    crypto_payment_id: d.crypto_payment_id,
    timing: d.timing,
    orphan_reason: d.orphan_reason,
    review_reason: d.review_reason,
    resolution: d.resolution,
    resolved_by: d.resolved_by,
    resolved_at: d.resolved_at,
    resolution_note: d.resolution_note,
    last_source: d.last_source,
  }
}

const OrderSessions = z.object({
  id: z.string(),
  payment_collections: z
    .array(
      z.object({
        payment_sessions: z.array(z.object({ id: z.string(), provider_id: z.string() })).nullish(),
      }),
    )
    .nullish(),
})

/**
 * The crypto payments of an order: those recorded with its order_id, and those of the WaaS payment
 * sessions in its payment collections (an order placed before the order id was recorded on the payment).
 * null when the order does not exist.
 */
export async function cryptoPaymentsOfOrder(container: MedusaContainer, orderId: string): Promise<CryptoPaymentDTO[] | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "order",
    fields: ["id", "payment_collections.payment_sessions.id", "payment_collections.payment_sessions.provider_id"],
    filters: { id: orderId },
  })
  if (!data.length) return null
  const order = OrderSessions.parse(data[0])
  const sessionIds = (order.payment_collections ?? []).flatMap((pc) => (pc.payment_sessions ?? []).map((s) => s.id))
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const [bySession, byOrder] = await Promise.all([
    sessionIds.length ? waas.listCryptoPayments({ payment_session_id: sessionIds }) : Promise.resolve([]),
    waas.listCryptoPayments({ order_id: orderId }),
  ])
  const all = new Map<string, CryptoPaymentDTO>()
  for (const p of [...bySession, ...byOrder]) all.set(p.id, p)
  return [...all.values()]
}
