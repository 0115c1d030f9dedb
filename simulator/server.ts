import * as http from "node:http"
import type { KeyObject } from "node:crypto"
import type { Socket } from "node:net"
import {
  decryptEnvelope,
  describeWaasCode,
  encryptEnvelope,
  formatIssues,
  WaasCode,
  WAAS_ENDPOINTS,
  type WaasEndpointName,
} from "../src/protocol"
import { SimWaasError } from "./errors"
import type { FaultRegistry } from "./faults"
import { BodyTooLarge, readBody, send, sendJson } from "./http-in"
import { malformAmountsDeep, type RenderOptions } from "./records"
import type { SimState } from "./state"
import type { ConfirmationCall, SimLogger, SimMerchantInfo } from "./types"
import { HANDLERS, type HandlerContext } from "./waas-api"

/**
 * The HTTP face of the simulator: WaaS endpoints under the path prefix (POST form or GET query, §1.1) and the
 * control API under /_control (delegated). Pre-auth failures answer a plaintext `{code,msg}` (unknown app_id
 * 100015, missing or undecryptable data 100005); everything after authentication answers HTTP 200
 * `{"data":"<wallet-key envelope of {code,data,msg}>"}` (§1.5, §6).
 */
export interface ServerOptions {
  state: SimState
  faults: FaultRegistry
  walletKey: KeyObject
  pathPrefix: string
  enforceTimeWindowMs?: number
  now(): number
  render: RenderOptions
  confirm(merchant: SimMerchantInfo, fields: Parameters<HandlerContext["confirm"]>[0]): Promise<ConfirmationCall>
  control(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void>
  logger: SimLogger
}

const MAX_REQUEST_BODY = 1024 * 1024
const SUCCESS_MSG = "成功"

const ENDPOINT_BY_PATH = new Map<string, WaasEndpointName>(
  (Object.keys(WAAS_ENDPOINTS) as WaasEndpointName[]).map((name) => [WAAS_ENDPOINTS[name].path, name])
)

interface Outcome {
  /** the decrypted result object, or undefined for a plaintext answer */
  result?: { code: string; data?: unknown; msg: string }
  plaintext?: { code: string; msg: string }
}

export class SimServer {
  readonly http: http.Server
  private readonly sockets = new Set<Socket>()
  private readonly hangTimers = new Set<NodeJS.Timeout>()

  constructor(private readonly o: ServerOptions) {
    this.http = http.createServer((req, res) => {
      this.route(req, res).catch((e: unknown) => {
        o.logger.error(`unhandled ${req.method} ${req.url}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`)
        sendJson(res, 500, { code: WaasCode.SYSTEM_ERROR, msg: "simulator error" })
      })
    })
    this.http.on("connection", (s: Socket) => {
      this.sockets.add(s)
      s.on("close", () => this.sockets.delete(s))
    })
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject)
      this.http.listen(port, host, () => {
        this.http.off("error", reject)
        const addr = this.http.address()
        resolve(typeof addr === "object" && addr ? addr.port : port)
      })
    })
  }

  async close(): Promise<void> {
    for (const t of this.hangTimers) clearTimeout(t)
    this.hangTimers.clear()
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()))
    for (const s of this.sockets) s.destroy()
    await closed
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://simulator.invalid")
    const path = url.pathname
    if (path === "/_control" || path.startsWith("/_control/")) return this.o.control(req, res, url)
    const prefix = this.o.pathPrefix
    const name = path.startsWith(prefix + "/") ? ENDPOINT_BY_PATH.get(path.slice(prefix.length)) : undefined
    if (!name) return sendJson(res, 404, { code: "404", msg: `no WaaS endpoint at ${path}` })
    if (req.method !== "GET" && req.method !== "POST") return sendJson(res, 405, { code: "405", msg: "use POST or GET" })
    let params: URLSearchParams
    try {
      params = await this.params(req, url)
    } catch (e) {
      if (e instanceof BodyTooLarge) return sendJson(res, 413, { code: WaasCode.INVALID_PARAMS, msg: e.message })
      throw e
    }
    if (await this.fault(name, "before", req, res)) return
    const delay = this.o.faults.takeEndpoint(name, "delay")
    if (delay && !(await this.late(req, delay.ms))) return
    const outcome = await this.execute(name, params)
    if (await this.fault(name, "after", req, res)) return
    if (outcome.plaintext) return sendJson(res, 200, outcome.plaintext)
    const result = outcome.result as NonNullable<Outcome["result"]>
    if (result.data !== undefined && this.o.faults.takeEndpoint(name, "malformedAmounts")) {
      result.data = malformAmountsDeep(result.data)
    }
    if (result.data !== undefined) result.data = this.o.faults.patchRecords(name, result.data)
    // key order of the real responses: code, data, msg
    sendJson(res, 200, { data: encryptEnvelope(JSON.stringify(result), this.o.walletKey) })
  }

  /** POST: the form body, with the query string as a fallback for fields the body lacks; GET: the query string */
  private async params(req: http.IncomingMessage, url: URL): Promise<URLSearchParams> {
    if (req.method !== "POST") return url.searchParams
    const body = new URLSearchParams((await readBody(req, MAX_REQUEST_BODY)).toString("utf8"))
    for (const [k, v] of url.searchParams) if (!body.has(k)) body.set(k, v)
    return body
  }

  private async execute(name: WaasEndpointName, params: URLSearchParams): Promise<Outcome> {
    const appId = params.get("app_id") ?? ""
    const merchant = appId ? this.o.state.directory.merchant(appId) : undefined
    if (!merchant) return { plaintext: { code: WaasCode.INVALID_APP_ID, msg: describeWaasCode(WaasCode.INVALID_APP_ID) } }
    const data = params.get("data")
    let plain: string
    try {
      if (!data) throw new Error("missing data")
      plain = decryptEnvelope(data, merchant.merchantPublicKey)
    } catch {
      return { plaintext: { code: WaasCode.SIGNATURE_FAILED, msg: describeWaasCode(WaasCode.SIGNATURE_FAILED) } }
    }
    try {
      const data = await this.handle(name, merchant, plain)
      return { result: { code: WaasCode.SUCCESS, data, msg: SUCCESS_MSG } }
    } catch (e) {
      if (e instanceof SimWaasError) return { result: { code: e.code, msg: e.message } }
      this.o.logger.error(`${name} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`)
      return { result: { code: WaasCode.SYSTEM_ERROR, msg: describeWaasCode(WaasCode.SYSTEM_ERROR) } }
    }
  }

  private async handle(name: WaasEndpointName, merchant: SimMerchantInfo, plain: string): Promise<unknown> {
    let json: unknown
    try {
      json = JSON.parse(plain)
    } catch {
      throw new SimWaasError(WaasCode.INVALID_PARAMS, "data is not JSON")
    }
    const endpoint = WAAS_ENDPOINTS[name]
    const parsed = endpoint.request.safeParse(json)
    if (!parsed.success) throw new SimWaasError(WaasCode.INVALID_PARAMS, formatIssues(parsed.error).join("; "))
    this.checkTime(parsed.data.time)
    const ctx: HandlerContext = {
      state: this.o.state,
      merchant,
      render: this.o.render,
      confirm: (fields) => this.o.confirm(merchant, fields),
    }
    // the handler table is keyed by endpoint; TypeScript cannot correlate name → request type through the lookup
    const handler = HANDLERS[name] as (c: HandlerContext, r: unknown) => unknown
    const data = await handler(ctx, parsed.data)
    // Self-check against the same schema the plugin's client uses: a mismatch is a simulator bug, not a client one
    const check = endpoint.data.safeParse(data)
    if (!check.success) throw new Error(`response of ${name} does not match its schema: ${formatIssues(check.error).join("; ")}`)
    return data
  }

  private checkTime(time: string | number): void {
    const window = this.o.enforceTimeWindowMs
    if (window === undefined) return
    const t = typeof time === "number" ? time : /^\d{1,16}$/.test(time) ? Number(time) : NaN
    if (!Number.isFinite(t) || Math.abs(t - this.o.now()) > window) {
      throw new SimWaasError(WaasCode.INVALID_PARAMS, `time ${String(time)} is outside the ${window} ms window`)
    }
  }

  /** applies a transport fault of this phase; true when the answer has been taken over */
  private async fault(name: WaasEndpointName, phase: "before" | "after", req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const f = this.o.faults
    const hang = f.takeEndpoint(name, "hang", phase)
    if (hang) {
      await this.hang(req, res, hang.ms)
      return true
    }
    const status = f.takeEndpoint(name, "httpStatus", phase)
    if (status) {
      send(res, status.status ?? 503, status.body ?? "Service Unavailable", "text/plain; charset=utf-8")
      return true
    }
    const plaintext = f.takeEndpoint(name, "plaintextError", phase)
    if (plaintext) {
      const code = plaintext.code ?? WaasCode.SYSTEM_ERROR
      sendJson(res, 200, { code, msg: plaintext.msg ?? describeWaasCode(code) })
      return true
    }
    const garbage = f.takeEndpoint(name, "garbage", phase)
    if (garbage) {
      send(res, 200, garbage.body ?? "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
      return true
    }
    return false
  }

  /** waits `ms` real ms before the request is executed; false when the client gave up (or stop()) meanwhile */
  private late(req: http.IncomingMessage, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const gone = (): void => {
        clearTimeout(timer)
        this.hangTimers.delete(timer)
        resolve(false)
      }
      const timer = setTimeout(() => {
        this.hangTimers.delete(timer)
        req.socket.off("close", gone)
        resolve(true)
      }, ms)
      this.hangTimers.add(timer)
      req.socket.once("close", gone)
    })
  }

  /** no answer: the connection is dropped after `ms` real ms, when the client gives up, or at stop() */
  private hang(req: http.IncomingMessage, res: http.ServerResponse, ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        if (timer) {
          clearTimeout(timer)
          this.hangTimers.delete(timer)
        }
        resolve()
      }
      const timer =
        ms === undefined
          ? undefined
          : setTimeout(() => {
              res.destroy()
              done()
            }, ms)
      if (timer) this.hangTimers.add(timer)
      req.socket.once("close", done)
    })
  }
}
