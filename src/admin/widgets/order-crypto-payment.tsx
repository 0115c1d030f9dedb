import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminOrder, DetailWidgetProps } from "@medusajs/framework/types"
import { Container, Heading, Text } from "@medusajs/ui"
import { DepositsTable } from "../components/deposits-table"
import { RefundsTable } from "../components/refunds-table"
import { ErrorState, SectionSkeleton } from "../components/states"
import { useOrderPayments, useWithdrawals } from "../hooks/use-waas"
import { errorMessage } from "../lib/sdk"

/**
 * The order page's crypto payment: the deposits that paid it and its refunds (with Approve / Reject for the
 * admins who may). Renders nothing for an order that was not paid in crypto.
 */
const OrderCryptoPaymentWidget = ({ data: order }: DetailWidgetProps<AdminOrder>) => {
  const payments = useOrderPayments(order.id)
  const refunds = useWithdrawals({ order_id: order.id }, 5_000)
  if (payments.isLoading) {
    return (
      <Container className="p-0">
        <SectionSkeleton rows={4} />
      </Container>
    )
  }
  if (payments.isError) {
    return (
      <Container className="p-0">
        <ErrorState message={errorMessage(payments.error)} />
      </Container>
    )
  }
  const views = payments.data?.crypto_payments ?? []
  if (views.length === 0) return null
  const withdrawals = refunds.data?.withdrawals ?? []
  return (
    <div className="flex flex-col gap-y-3" data-testid="waas-order-widget">
      {views.map((v) => (
        <Container key={v.crypto_payment.id} className="divide-y p-0">
          <div className="flex items-center justify-between px-6 py-4">
            <Heading level="h2">Crypto deposits</Heading>
            <Text size="small" className="text-ui-fg-subtle">
              {v.crypto_payment.symbol} · {v.crypto_payment.id}
            </Text>
          </div>
          {v.deposits.length ? (
            <DepositsTable deposits={v.deposits} credits={v.credits} />
          ) : (
            <Text size="small" className="text-ui-fg-subtle px-6 py-4">
              No transfer to {v.crypto_payment.address} yet. Deposits appear here as the WaaS reports them.
            </Text>
          )}
          <div className="px-6 py-4">
            <Heading level="h3">Crypto refunds</Heading>
          </div>
          {refunds.isLoading ? (
            <SectionSkeleton rows={2} />
          ) : withdrawals.filter((w) => w.crypto_payment_id === v.crypto_payment.id || w.order_id === order.id).length ? (
            <RefundsTable
              withdrawals={withdrawals.filter((w) => w.crypto_payment_id === v.crypto_payment.id || w.order_id === order.id)}
              txTemplate={v.crypto_payment.explorer_tx_template}
            />
          ) : (
            <Text size="small" className="text-ui-fg-subtle px-6 py-4">
              No refund yet. A refund requested with "Refund in crypto" appears here until it is paid.
            </Text>
          )}
        </Container>
      ))}
    </div>
  )
}

export const config = defineWidgetConfig({ zone: "order.details", id: "medusa-plugin-waas:order-crypto-payment" })

export default OrderCryptoPaymentWidget
