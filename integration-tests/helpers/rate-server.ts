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
  close(): Promise<void>
}

export async function startRateServer(prices: Record<string, string | "fail">): Promise<RateServer> {
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? "")
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()))
        // the rate source's undici agent keeps connections alive; close() alone would wait for them
        server.closeAllConnections()
      }),
  }
}
