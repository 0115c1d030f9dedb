import { createServer, IncomingMessage, Server, ServerResponse } from "node:http"
import { AddressInfo, Socket } from "node:net"
import { decryptEnvelope, encryptEnvelope } from "../../protocol/envelope"

/**
 * A tiny stand-in for the WaaS for the client's unit tests: speaks the real envelope (decrypts requests with the
 * merchant public key, signs answers with a wallet private key) and lets each test script the answers.
 * The contract suite runs against the real simulator instead.
 */

export interface SeenRequest {
  method: string
  url: string
  contentType: string | undefined
  form: Record<string, string>
  /** the decrypted inner JSON */
  inner: Record<string, unknown>
  /** the decrypted inner JSON text, exactly as sent */
  innerText: string
}

export type Reply =
  /** an encrypted {code,msg,data} result */
  | { result: { code: string | number; msg?: string; data?: unknown }; status?: number; delayMs?: number; signWith?: string }
  /** a raw body with an optional status */
  | { raw: string; status?: number; delayMs?: number; contentType?: string; bodyDelayMs?: number }
  /** never answer (until the socket is closed) */
  | { hang: true }

export type Handler = (req: SeenRequest, index: number) => Reply | Promise<Reply>

export interface FakeWaas {
  url: string
  requests: SeenRequest[]
  /** sockets the server accepted (keep-alive check) */
  connections: () => number
  setHandler(handler: Handler): void
  close(): Promise<void>
}

export function ok(data: unknown): Reply {
  return { result: { code: "0", msg: "成功", data } }
}

export function fail(code: string, msg = "error"): Reply {
  return { result: { code, msg } }
}

/** a delay that does not keep the test process alive */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString("utf8")
}

export async function startFakeWaas(keys: { merchantPublicKey: string; walletPrivateKey: string }, handler: Handler): Promise<FakeWaas> {
  let current = handler
  const requests: SeenRequest[] = []
  const sockets = new Set<Socket>()
  let connectionCount = 0

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req)
      const form = Object.fromEntries(new URLSearchParams(body))
      let innerText = ""
      let inner: Record<string, unknown> = {}
      try {
        innerText = decryptEnvelope(form.data ?? "", keys.merchantPublicKey)
        inner = JSON.parse(innerText) as Record<string, unknown>
      } catch {
        /* the test decides what to answer */
      }
      const seen: SeenRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        contentType: req.headers["content-type"],
        form,
        inner,
        innerText,
      }
      requests.push(seen)
      const reply = await current(seen, requests.length - 1)
      if ("hang" in reply) return
      if (reply.delayMs) await pause(reply.delayMs)
      if (res.destroyed) return
      if ("raw" in reply) {
        res.writeHead(reply.status ?? 200, { "content-type": reply.contentType ?? "application/json" })
        if (reply.bodyDelayMs) {
          // headers and a first byte now, the rest later: exercises the body timeout
          res.write(reply.raw.slice(0, 1))
          await pause(reply.bodyDelayMs)
          if (!res.destroyed) res.end(reply.raw.slice(1))
          return
        }
        res.end(reply.raw)
        return
      }
      const cipher = encryptEnvelope(JSON.stringify(reply.result), reply.signWith ?? keys.walletPrivateKey)
      res.writeHead(reply.status ?? 200, { "content-type": "application/json" })
      res.end(JSON.stringify({ data: cipher }))
    })()
  })
  server.on("connection", (s: Socket) => {
    connectionCount++
    sockets.add(s)
    s.on("close", () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connectionCount,
    setHandler(h) {
      current = h
    },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** the error a promise rejects with; fails the test when it resolves */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (e) {
    return e
  }
  throw new Error("expected a rejection")
}
