import * as http from "node:http"
import type { AddressInfo } from "node:net"
import {
  decryptEnvelope,
  encryptEnvelope,
  generateWaasKeyPair,
  WAAS_ENDPOINTS,
  type WaasEndpointName,
} from "../../src/protocol"
import { startSimulator, type SimulatorOptions, type WaasSimulator } from ".."

/**
 * Test helpers that talk to the simulator the way ChainUp's clients do: raw HTTP (fetch) plus src/protocol,
 * never the plugin's client.
 */
export const APP_ID = "baaceb1e506e1b5d7d1f0a3b1622583b"

/** one merchant key pair per test file (RSA generation is ~100 ms) */
export const merchant = generateWaasKeyPair()

export function startTestSim(opts: SimulatorOptions = {}, merchantExtra: Record<string, unknown> = {}): Promise<WaasSimulator> {
  return startSimulator({
    clock: "manual",
    startTime: Date.UTC(2025, 0, 15, 4, 0, 0),
    merchants: [{ appId: APP_ID, merchantPublicKey: merchant.publicKey, ...merchantExtra }],
    ...opts,
  })
}

export interface Inner {
  code: string
  msg: string
  data?: unknown
}

export interface WaasAnswer {
  httpStatus: number
  raw: string
  outer?: Record<string, unknown>
  /** decrypted `{code,msg,data}` when the outer body carried `data` */
  inner?: Inner
}

export interface CallOptions {
  method?: "GET" | "POST"
  appId?: string
  privateKey?: string
  /** send this `data` value verbatim instead of encrypting `fields` */
  rawData?: string
  /** omit the `time` common field */
  noTime?: boolean
  signal?: AbortSignal
}

export function endpointUrl(sim: WaasSimulator, name: WaasEndpointName): string {
  return `${sim.url}${sim.pathPrefix}${WAAS_ENDPOINTS[name].path}`
}

export async function call(sim: WaasSimulator, name: WaasEndpointName, fields: Record<string, unknown>, o: CallOptions = {}): Promise<WaasAnswer> {
  const plain = JSON.stringify({ ...(o.noTime ? {} : { time: Date.now() }), charset: "UTF-8", version: "v2", ...fields })
  const form = new URLSearchParams({
    app_id: o.appId ?? APP_ID,
    data: o.rawData ?? encryptEnvelope(plain, o.privateKey ?? merchant.privateKey),
  })
  const url = endpointUrl(sim, name)
  const res =
    o.method === "GET"
      ? await fetch(`${url}?${form.toString()}`, { signal: o.signal })
      : await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: form.toString(),
          signal: o.signal,
        })
  const raw = await res.text()
  const answer: WaasAnswer = { httpStatus: res.status, raw }
  try {
    answer.outer = JSON.parse(raw) as Record<string, unknown>
  } catch {
    return answer
  }
  const data = answer.outer?.data
  if (typeof data === "string") answer.inner = JSON.parse(decryptEnvelope(data, sim.walletPublicKey)) as Inner
  return answer
}

/** a successful call's data, or a failure showing what came back */
export async function ok<T = unknown>(sim: WaasSimulator, name: WaasEndpointName, fields: Record<string, unknown>, o?: CallOptions): Promise<T> {
  const a = await call(sim, name, fields, o)
  if (a.inner?.code !== "0") throw new Error(`${name} failed: ${a.raw.slice(0, 200)} ${JSON.stringify(a.inner)}`)
  return a.inner.data as T
}

export async function codeOf(sim: WaasSimulator, name: WaasEndpointName, fields: Record<string, unknown>, o?: CallOptions): Promise<string | undefined> {
  return (await call(sim, name, fields, o)).inner?.code
}

export async function newUser(sim: WaasSimulator, email = `u${Math.random().toString(36).slice(2)}@shop.test`): Promise<number> {
  return (await ok<{ uid: number }>(sim, "registerEmail", { email })).uid
}

export async function addressOf(sim: WaasSimulator, uid: number, symbol: string): Promise<string> {
  return (await ok<{ address: string }>(sim, "getDepositAddress", { uid, symbol })).address
}

/** a deposit driven to its final, credited state through the control API */
export function creditedDeposit(sim: WaasSimulator, address: string, amount: string, symbol?: string): number {
  const d = sim.control.chainDeposit({ address, amount, symbol })
  sim.control.confirmDeposit(d.id, d.requiredConfirmations)
  return d.id
}

/* ------------------------------------------------------------------ a tiny merchant */

export interface Received {
  path: string
  headers: http.IncomingHttpHeaders
  form: Record<string, string>
  /** Date.now() when it arrived */
  wallAt: number
}

export interface Reply {
  status?: number
  body?: string
  contentType?: string
  /** wait this many real ms before answering */
  delayMs?: number
}

export interface Receiver {
  url: string
  received: Received[]
  close(): Promise<void>
}

export async function startReceiver(reply: (r: Received, index: number) => Reply | Promise<Reply>): Promise<Receiver> {
  const received: Received[] = []
  const timers = new Set<NodeJS.Timeout>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const r: Received = {
        path: req.url ?? "/",
        headers: req.headers,
        form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))),
        wallAt: Date.now(),
      }
      received.push(r)
      void Promise.resolve(reply(r, received.length - 1)).then((a) => {
        const answer = (): void => {
          if (res.destroyed) return
          res.writeHead(a.status ?? 200, { "content-type": a.contentType ?? "text/plain" })
          res.end(a.body ?? "")
        }
        if (a.delayMs) {
          const t = setTimeout(() => {
            timers.delete(t)
            answer()
          }, a.delayMs)
          timers.add(t)
        } else answer()
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t)
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

export function decryptForm<T = Record<string, unknown>>(r: Received, walletPublicKey: string): T {
  return JSON.parse(decryptEnvelope(r.form.data, walletPublicKey)) as T
}
