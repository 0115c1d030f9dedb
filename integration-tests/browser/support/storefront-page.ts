import http from "node:http"
import type { AddressInfo } from "node:net"
import path from "node:path"
import { build } from "esbuild"

/**
 * A stand-in storefront for the component tests: a loopback HTTP server (its own origin, so the component
 * calls the Store API cross-origin, through Medusa's store CORS, as a real storefront does) serving one
 * checkout page and component-entry.tsx bundled with React and the component from src/. A real server,
 * not request interception: Chromium refuses requests from a non-loopback origin to localhost.
 */
export type StorefrontServer = { origin: string; url(q: { session: string; backend: string; key: string }): string; close(): Promise<void> }

export async function startStorefrontServer(): Promise<StorefrontServer> {
  const built = await build({
    entryPoints: [path.join(__dirname, "component-entry.tsx")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2020",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  })
  const js = built.outputFiles[0].text
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Checkout</title><link rel="icon" href="data:,"><style>body{font-family:system-ui,sans-serif;margin:1rem}.waas-pay__qr svg{width:100%;height:auto}
.waas-pay__value{display:flex;gap:.5rem}.waas-pay code{word-break:break-all}</style></head>
<body><h1>Checkout: payment</h1><div id="root"></div><script src="/app.js"></script></body></html>`
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://x").pathname
    if (pathname === "/app.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(js)
    } else if (pathname === "/checkout") {
      res.writeHead(200, { "content-type": "text/html" }).end(html)
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    url: (q) => `${origin}/checkout?${new URLSearchParams(q).toString()}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
