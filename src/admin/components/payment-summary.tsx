import { Badge, Text } from "@medusajs/ui"
import type { CryptoPayment, Deposit } from "../lib/types"
import { Copyable } from "./copyable"
import { Countdown } from "./countdown"
import { FieldList } from "./field-list"
import { Status } from "./status"

const AWAITING = new Set(["awaiting_payment", "partially_paid"])

/** Why part of a payment is pending: confirmations still to come, or the WaaS's compliance review (KYT). */
function pendingNote(deposits: Deposit[]): string {
  const pending = deposits.filter((d) => d.status === "pending")
  if (pending.some((d) => d.review_reason?.includes("kyt") || d.waas_status === 4)) return "compliance review"
  return "waiting for confirmations"
}

/** Coin and network, the deposit address, the amounts (exactly as the API gives them), the status and the expiry. */
export function PaymentSummary({ payment, deposits }: { payment: CryptoPayment; deposits: Deposit[] }) {
  const p = payment
  const amount = (v: string) => `${v} ${p.symbol}`
  return (
    <FieldList
      rows={[
        { label: "Status", value: <Status status={p.status} testId="waas-payment-status" /> },
        { label: "Coin", value: `${p.symbol} on ${p.network}`, testId: "waas-payment-coin" },
        { label: "Deposit address", value: <Copyable value={p.address} href={p.explorer_address_url} testId="waas-payment-address" /> },
        { label: "Amount due", value: amount(p.amount_due), testId: "waas-amount-due" },
        { label: "Received", value: amount(p.amount_received), testId: "waas-amount-received" },
        {
          label: "Pending",
          value:
            p.amount_pending === "0" ? (
              amount(p.amount_pending)
            ) : (
              <div className="flex items-center gap-x-2">
                <Text size="small">{amount(p.amount_pending)}</Text>
                <Badge size="2xsmall" color="blue">
                  {pendingNote(deposits)}
                </Badge>
              </div>
            ),
          testId: "waas-amount-pending",
        },
        { label: "Remaining", value: amount(p.amount_remaining), testId: "waas-amount-remaining" },
        { label: "Excess", value: amount(p.amount_excess), testId: "waas-amount-excess" },
        { label: "Rate", value: `1 ${p.symbol} = ${p.rate} ${p.currency_code.toUpperCase()}`, testId: "waas-rate" },
        {
          label: "Quote",
          value: AWAITING.has(p.status) ? <Countdown until={p.expires_at} /> : `expired or settled (${new Date(p.expires_at).toLocaleString()})`,
        },
      ]}
    />
  )
}
