import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"

/**
 * A price API on localhost for the plugin's HTTP rate source: `GET /price/<symbol>/<currency>`
 * answers `{ "price": "<decimal>" }`, or HTTP 503 for a symbol the test marks as failing, so a
 * spec can watch one coin's rate fail while the others still quote.
 */
export type RateServer = {
  /** URL template for the `http` rate source option */
  urlTemplate: string
  requests: string[]
  /**
   * Holds every price request until `release()`: a checkout then waits inside the provider's
   * initiatePayment (it quotes first), which lets a spec act at that exact point of Medusa's flow.
   */
  hold(): void
  release(): void
  /** the requests waiting behind `hold()` */
  readonly held: number
  close(): Promise<void>
}

export async function startRateServer(prices: Record<string, string | "fail">): Promise<RateServer> {
  const requests: string[] = []
  let gate: { open: Promise<void>; release: () => void } | null = null
  let held = 0
  const server: Server = createServer(async (req, res) => {
    requests.push(req.url ?? "")
    if (gate) {
      held++
      await gate.open
      held--
    }
    const match = /^\/price\/([^/]+)\/([a-z]{3})$/.exec(req.url ?? "")
    const price = match ? prices[decodeURIComponent(match[1])] : undefined
    if (!price || price === "fail") {
      res.writeHead(503, { "content-type": "application/json" })
      res.end(JSON.stringify({ error: "price feed unavailable" }))
      return
    }
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({ price }))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    urlTemplate: `http://127.0.0.1:${port}/price/{symbol}/{currency}`,
    requests,
    hold() {
      if (gate) return
      let release!: () => void
      const open = new Promise<void>((resolve) => (release = resolve))
      gate = { open, release }
    },
    release() {
      gate?.release()
      gate = null
    },
    get held() {
      return held
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        gate?.release()
        server.close((e) => (e ? reject(e) : resolve()))
        // the rate source's undici agent keeps connections alive; close() alone would wait for them
        server.closeAllConnections()
      }),
  }
}
