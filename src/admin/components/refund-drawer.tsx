import { Button, Drawer, Input, Label, Select, Text, Textarea } from "@medusajs/ui"
import { useState } from "react"
import { useDestinationCheck } from "../hooks/use-destination-check"
import { useWaasAction } from "../hooks/use-waas"
import type { CryptoPayment, Withdrawal } from "../lib/types"

type Mode = "fiat" | "crypto" | "excess"
const DECIMAL = /^\d{1,30}(\.\d{1,36})?$/

/**
 * "Refund in crypto": a refund request for the order's crypto payment, by a fiat amount (at the locked or the
 * current rate) or an exact crypto amount, or the overpayment's excess; the destination is checked as it is
 * typed, and the shopper's own submitted address is offered when there is one. It then waits for a second admin.
 */
export function RefundDrawer({ payment, shopperAddress }: { payment: CryptoPayment; shopperAddress: string | null }) {
  const [open, setOpen] = useState(false)
  const [mode, setMode] = useState<Mode>("fiat")
  const [amount, setAmount] = useState("")
  const [rateBasis, setRateBasis] = useState<"locked" | "current">("locked")
  const [address, setAddress] = useState("")
  const [memo, setMemo] = useState("")
  const [reason, setReason] = useState("")
  const check = useDestinationCheck(payment.symbol, address, memo)
  const request = useWaasAction<Record<string, unknown>, { withdrawal: Withdrawal }>(
    () => "/withdrawals",
    (r) => `Refund of ${r.withdrawal.refund_amount} ${r.withdrawal.symbol} requested; it waits for another admin's approval`,
  )
  const hasExcess = payment.amount_excess !== "0"
  const amountOk = mode === "excess" ? amount === "" || DECIMAL.test(amount) : DECIMAL.test(amount)
  const canSubmit = amountOk && reason.trim().length > 0 && (address.trim() === "" || check.state === "valid") && !request.isPending

  const submit = () => {
    const destination = address.trim() ? { address: address.trim(), ...(memo.trim() ? { memo: memo.trim() } : {}) } : undefined
    const common = { crypto_payment_id: payment.id, reason: reason.trim(), ...(destination ? { destination } : {}) }
    const body =
      mode === "fiat"
        ? { source: "payment", fiat_amount: amount, rate_basis: rateBasis, ...common }
        : mode === "crypto"
          ? { source: "payment", crypto_amount: amount, ...common }
          : { source: "excess", ...(amount ? { crypto_amount: amount } : {}), ...common }
    request.mutate(body, {
      onSuccess: () => {
        setOpen(false)
        setAmount("")
        setReason("")
      },
    })
  }

  return (
    <Drawer open={open} onOpenChange={setOpen}>
      <Drawer.Trigger asChild>
        <Button size="small" variant="secondary" data-testid="waas-refund-open">
          Refund in crypto
        </Button>
      </Drawer.Trigger>
      <Drawer.Content data-testid="waas-refund-drawer">
        <Drawer.Header>
          <Drawer.Title>Refund in {payment.symbol}</Drawer.Title>
        </Drawer.Header>
        <Drawer.Body className="flex flex-col gap-y-4 overflow-y-auto">
          <div className="flex flex-col gap-y-2">
            <Label size="small">Refund</Label>
            <Select value={mode} onValueChange={(v) => setMode(v as Mode)}>
              <Select.Trigger data-testid="waas-refund-mode">
                <Select.Value />
              </Select.Trigger>
              <Select.Content>
                <Select.Item value="fiat">An amount in {payment.currency_code.toUpperCase()}</Select.Item>
                <Select.Item value="crypto">An exact amount in {payment.symbol}</Select.Item>
                {hasExcess ? <Select.Item value="excess">The overpayment ({payment.amount_excess} {payment.symbol})</Select.Item> : null}
              </Select.Content>
            </Select>
          </div>
          <div className="flex flex-col gap-y-2">
            <Label size="small" htmlFor="waas-refund-amount">
              {mode === "fiat" ? `Amount (${payment.currency_code.toUpperCase()})` : mode === "crypto" ? `Amount (${payment.symbol})` : `Amount (${payment.symbol}, empty: all of the excess)`}
            </Label>
            <Input id="waas-refund-amount" data-testid="waas-refund-amount" value={amount} inputMode="decimal" placeholder="10.00" onChange={(e) => setAmount(e.target.value.trim())} />
            {amount && !amountOk ? <Text size="xsmall" className="text-ui-fg-error">A decimal such as 12.5</Text> : null}
          </div>
          {mode === "fiat" ? (
            <div className="flex flex-col gap-y-2">
              <Label size="small">Rate</Label>
              <Select value={rateBasis} onValueChange={(v) => setRateBasis(v as "locked" | "current")}>
                <Select.Trigger data-testid="waas-refund-rate">
                  <Select.Value />
                </Select.Trigger>
                <Select.Content>
                  <Select.Item value="locked">The payment's locked rate ({payment.rate})</Select.Item>
                  <Select.Item value="current">The rate now</Select.Item>
                </Select.Content>
              </Select>
            </div>
          ) : null}
          <div className="flex flex-col gap-y-2">
            <Label size="small" htmlFor="waas-refund-address">
              Destination address (empty: ask the shopper)
            </Label>
            <Input id="waas-refund-address" data-testid="waas-refund-address" value={address} onChange={(e) => setAddress(e.target.value)} placeholder={payment.network} />
            {shopperAddress ? (
              <Button size="small" variant="transparent" className="self-start" onClick={() => setAddress(shopperAddress)}>
                Use the shopper's address {shopperAddress}
              </Button>
            ) : null}
            <Text size="xsmall" data-testid="waas-refund-address-check" className={check.state === "invalid" ? "text-ui-fg-error" : "text-ui-fg-subtle"}>
              {check.state === "checking" ? "Checking…" : check.state === "valid" ? `A valid ${payment.symbol} address` : check.state === "invalid" ? check.message : ""}
            </Text>
          </div>
          <div className="flex flex-col gap-y-2">
            <Label size="small" htmlFor="waas-refund-memo">
              Memo or tag (only for coins that take one)
            </Label>
            <Input id="waas-refund-memo" value={memo} onChange={(e) => setMemo(e.target.value)} />
          </div>
          <div className="flex flex-col gap-y-2">
            <Label size="small" htmlFor="waas-refund-reason">
              Reason
            </Label>
            <Textarea id="waas-refund-reason" data-testid="waas-refund-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
        </Drawer.Body>
        <Drawer.Footer>
          <Drawer.Close asChild>
            <Button size="small" variant="secondary">
              Cancel
            </Button>
          </Drawer.Close>
          <Button size="small" onClick={submit} disabled={!canSubmit} isLoading={request.isPending} data-testid="waas-refund-submit">
            Request refund
          </Button>
        </Drawer.Footer>
      </Drawer.Content>
    </Drawer>
  )
}
