import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminOrder, DetailWidgetProps } from "@medusajs/framework/types"
import { Container, Heading } from "@medusajs/ui"
import { PaymentSummary } from "../components/payment-summary"
import { RefundDrawer } from "../components/refund-drawer"
import { useOrderPayments, useWithdrawals } from "../hooks/use-waas"
import { SectionSkeleton } from "../components/states"

const REFUNDABLE = new Set(["paid", "overpaid", "underpaid", "partially_paid"])

/**
 * The order page's side panel: the crypto payment at a glance (coin, address, amounts, status, the quote's
 * countdown) and "Refund in crypto". Nothing for an order not paid in crypto.
 */
const OrderCryptoSummaryWidget = ({ data: order }: DetailWidgetProps<AdminOrder>) => {
  const payments = useOrderPayments(order.id)
  const refunds = useWithdrawals({ order_id: order.id })
  if (payments.isLoading) {
    return (
      <Container className="p-0">
        <SectionSkeleton rows={6} />
      </Container>
    )
  }
  const views = payments.data?.crypto_payments ?? []
  if (views.length === 0) return null
  const shopperAddress = (refunds.data?.withdrawals ?? []).find((w) => w.address_given_by === "shopper" && w.to_address)?.to_address ?? null
  return (
    <div className="flex flex-col gap-y-3" data-testid="waas-order-summary">
      {views.map((v) => (
        <Container key={v.crypto_payment.id} className="divide-y p-0">
          <div className="flex items-center justify-between px-6 py-4">
            <Heading level="h2">Crypto payment</Heading>
            {REFUNDABLE.has(v.crypto_payment.status) ? <RefundDrawer payment={v.crypto_payment} shopperAddress={shopperAddress} /> : null}
          </div>
          <PaymentSummary payment={v.crypto_payment} deposits={v.deposits} />
        </Container>
      ))}
    </div>
  )
}

export const config = defineWidgetConfig({ zone: "order.details.side", id: "medusa-plugin-waas:order-crypto-summary" })

export default OrderCryptoSummaryWidget
