import * as http from "node:http"
import * as https from "node:https"

/**
 * The simulator's calls to a merchant (notifications, second confirmations): a form POST with a hard deadline.
 * No connection reuse (agent: false sends `Connection: close`), so stop() leaves no idle sockets behind, and every
 * call listens to the simulator's stop signal.
 */
export interface HttpAnswer {
  status: number
  body: string
}

export class HttpOutError extends Error {
  constructor(
    readonly kind: "timeout" | "network" | "aborted",
    message: string
  ) {
    super(message)
    this.name = "HttpOutError"
  }
}

const MAX_BODY = 64 * 1024

export function postForm(
  url: string,
  fields: Record<string, string>,
  opts: { timeoutMs: number; signal: AbortSignal }
): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    let target: URL
    try {
      target = new URL(url)
    } catch {
      reject(new HttpOutError("network", `invalid URL ${url}`))
      return
    }
    if (opts.signal.aborted) {
      reject(new HttpOutError("aborted", "the simulator is stopping"))
      return
    }
    const body = new URLSearchParams(fields).toString()
    const lib = target.protocol === "https:" ? https : http
    let settled = false
    const finish = (err: HttpOutError | undefined, answer?: HttpAnswer): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      opts.signal.removeEventListener("abort", onAbort)
      if (err) {
        req.destroy()
        reject(err)
      } else resolve(answer as HttpAnswer)
    }
    const req = lib.request(target, {
      method: "POST",
      agent: false,
      headers: {
        "content-type": "application/x-www-form-urlencoded; charset=UTF-8",
        "content-length": Buffer.byteLength(body),
        "user-agent": "waas-simulator",
      },
    })
    const timer = setTimeout(() => finish(new HttpOutError("timeout", `no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs)
    const onAbort = (): void => finish(new HttpOutError("aborted", "the simulator is stopping"))
    opts.signal.addEventListener("abort", onAbort)
    req.on("error", (e) => finish(new HttpOutError("network", e.message)))
    req.on("response", (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on("data", (c: Buffer) => {
        size += c.length
        if (size <= MAX_BODY) chunks.push(c)
      })
      res.on("error", (e) => finish(new HttpOutError("network", e.message)))
      res.on("end", () => finish(undefined, { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }))
    })
    req.end(body)
  })
}
