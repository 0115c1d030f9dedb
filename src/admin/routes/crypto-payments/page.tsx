import { defineRouteConfig } from "@medusajs/admin-sdk"
import { CurrencyDollar } from "@medusajs/icons"
import { Container, Heading, Tabs, Text } from "@medusajs/ui"
import { useSearchParams } from "react-router-dom"
import { HealthTab } from "../../components/tabs/health-tab"
import { PaymentsTab } from "../../components/tabs/payments-tab"
import { PoolTab } from "../../components/tabs/pool-tab"
import { RefundsTab } from "../../components/tabs/refunds-tab"
import { ReviewTab } from "../../components/tabs/review-tab"

const TABS = [
  { id: "payments", label: "Payments", render: () => <PaymentsTab /> },
  { id: "review", label: "Needs review", render: () => <ReviewTab /> },
  { id: "refunds", label: "Refunds", render: () => <RefundsTab /> },
  { id: "pool", label: "Address pool", render: () => <PoolTab /> },
  { id: "health", label: "Health", render: () => <HealthTab /> },
] as const

/** "Crypto payments": the plugin's page, one tab per task; the tab is in the URL (?tab=…) so it can be linked. */
const CryptoPaymentsPage = () => {
  const [params, setParams] = useSearchParams()
  const tab = TABS.some((t) => t.id === params.get("tab")) ? (params.get("tab") as string) : "payments"
  return (
    <div className="flex flex-col gap-y-3" data-testid="waas-crypto-payments-page">
      <Container className="px-6 py-4">
        <Heading level="h1">Crypto payments</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          Payments through the WaaS, deposits waiting for a decision, refunds, the address pool and the plugin's health.
        </Text>
      </Container>
      <Tabs value={tab} onValueChange={(v) => setParams({ tab: v })}>
        <Tabs.List>
          {TABS.map((t) => (
            <Tabs.Trigger key={t.id} value={t.id} data-testid={`waas-tab-${t.id}`}>
              {t.label}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        {TABS.map((t) => (
          <Tabs.Content key={t.id} value={t.id} className="mt-3">
            {tab === t.id ? t.render() : null}
          </Tabs.Content>
        ))}
      </Tabs>
    </div>
  )
}

export const config = defineRouteConfig({ label: "Crypto payments", icon: CurrencyDollar })

export default CryptoPaymentsPage
