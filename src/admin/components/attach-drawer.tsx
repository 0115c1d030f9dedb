import { Button, Drawer, Input, Table, Text } from "@medusajs/ui"
import { useState } from "react"
import { usePayments, useWaasAction } from "../hooks/use-waas"
import { formatDateTime } from "../lib/format"
import type { Deposit } from "../lib/types"
import { Status } from "./status"

/**
 * Attach a held or orphaned deposit to an order: search the order (number, address, txid) among the crypto
 * payments, pick one in the deposit's coin, and credit it. The API re-reads the deposit from the WaaS first and
 * refuses, with its reason, anything it cannot credit.
 */
export function AttachDrawer({ deposit }: { deposit: Deposit }) {
  const [open, setOpen] = useState(false)
  const [search, setSearch] = useState("")
  const found = usePayments({ q: search.trim() || undefined, symbol: deposit.symbol, limit: 10 })
  const attach = useWaasAction<{ crypto_payment_id: string }, { deposit: Deposit }>(
    () => `/orphans/${deposit.id}/resolve`,
    () => `Deposit ${deposit.waas_deposit_id} credited`,
    (b) => ({ action: "attach", crypto_payment_id: b.crypto_payment_id }),
  )
  return (
    <Drawer open={open} onOpenChange={setOpen}>
      <Drawer.Trigger asChild>
        <Button size="small" variant="secondary" data-testid="waas-attach-open">
          Attach to order
        </Button>
      </Drawer.Trigger>
      <Drawer.Content data-testid="waas-attach-drawer">
        <Drawer.Header>
          <Drawer.Title>
            Attach {deposit.amount} {deposit.symbol} to an order
          </Drawer.Title>
        </Drawer.Header>
        <Drawer.Body className="flex flex-col gap-y-4 overflow-y-auto">
          <Input placeholder="Order number (#1001), address or txid" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="waas-attach-search" />
          {!search.trim() ? (
            <Text size="small" className="text-ui-fg-subtle">
              Search for the order the shopper meant to pay; its {deposit.symbol} payments appear here.
            </Text>
          ) : (found.data?.crypto_payments ?? []).length === 0 ? (
            <Text size="small" className="text-ui-fg-subtle">
              {found.isLoading ? "Searching…" : `No ${deposit.symbol} payment matches "${search.trim()}".`}
            </Text>
          ) : (
            <Table>
              <Table.Body>
                {(found.data?.crypto_payments ?? []).map((p) => (
                  <Table.Row key={p.id} data-testid={`waas-attach-candidate-${p.id}`}>
                    <Table.Cell>{p.display_id != null ? `#${p.display_id}` : "no order"}</Table.Cell>
                    <Table.Cell>
                      <Status status={p.status} />
                    </Table.Cell>
                    <Table.Cell>
                      {p.amount_remaining} {p.symbol} left
                    </Table.Cell>
                    <Table.Cell>{formatDateTime(p.created_at)}</Table.Cell>
                    <Table.Cell>
                      <Button
                        size="small"
                        isLoading={attach.isPending}
                        data-testid="waas-attach-confirm"
                        onClick={() => attach.mutate({ crypto_payment_id: p.id }, { onSuccess: () => setOpen(false) })}
                      >
                        Attach
                      </Button>
                    </Table.Cell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table>
          )}
        </Drawer.Body>
      </Drawer.Content>
    </Drawer>
  )
}
