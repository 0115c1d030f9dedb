import http from "node:http"
import type { AddressInfo } from "node:net"

/**
 * A round-robin HTTP load balancer on loopback, as a store runs behind one: the WaaS (the simulator) is given
 * this one URL for its callbacks, and each request goes to the next server instance. A request to an instance
 * that is down (refused, reset mid-request) answers 502, the way a real balancer does, and the WaaS retries.
 */
export interface LoadBalancer {
  url: string
  /** requests forwarded per target port, those that failed at the target, and those still waiting for its answer */
  counts(): Record<number, { forwarded: number; failed: number; open: number }>
  stop(): Promise<void>
}

export async function startLoadBalancer(targets: () => number[]): Promise<LoadBalancer> {
  let next = 0
  const counts: Record<number, { forwarded: number; failed: number; open: number }> = {}
  const server = http.createServer((req, res) => {
    const ports = targets()
    const port = ports[next++ % ports.length]
    const count = (counts[port] ??= { forwarded: 0, failed: 0, open: 0 })
    count.forwarded++
    count.open++
    let settled = false
    const settle = () => {
      if (!settled) count.open--
      settled = true
    }
    const upstream = http.request(
      { host: "localhost", port, method: req.method, path: req.url, headers: { ...req.headers, host: `localhost:${port}` } },
      (answer) => {
        settle()
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on("error", (error) => {
      settle()
      count.failed++
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" })
      res.end(`bad gateway: ${error.message}`)
    })
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://localhost:${port}`,
    counts: () => structuredClone(counts),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
