import { createRoot } from "react-dom/client"
import { PayWithCrypto } from "../../../src/storefront"

// A stand-in storefront page: the component as a store would embed it, its settings from the query string.
const params = new URLSearchParams(window.location.search)
const paid: string[] = []
createRoot(document.getElementById("root")!).render(
  <PayWithCrypto
    sessionId={params.get("session")!}
    backendUrl={params.get("backend")!}
    publishableKey={params.get("key")!}
    pollIntervalMs={1000}
    returnUrl="https://shop.example.com/thanks"
    onPaid={(p) => {
      paid.push(p.status)
      document.body.dataset.paidCalls = String(paid.length)
    }}
  />,
)
