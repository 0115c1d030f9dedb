import { createHash, timingSafeEqual } from "node:crypto"
import type { IncomingMessage, ServerResponse } from "node:http"
import { z } from "zod"
import { SimControlError } from "./errors"
import { BodyTooLarge, readBody, sendJson } from "./http-in"
import type { SimControl } from "./types"

/**
 * The control API: JSON over HTTP at /_control/*, the same operations as SimControl. Every route needs
 * `Authorization: Bearer <controlToken>` except GET /_control/info, which returns only what a store may publish
 * anyway (the WaaS public key, URLs, app ids) so a demo page or a setup script can discover the simulator.
 */
export interface ControlApiOptions {
  token: string
  control: SimControl
  info(): Record<string, unknown>
}

type Params = Record<string, string>
interface Route {
  method: string
  pattern: RegExp
  /** receives the path parameters and the raw JSON body */
  run(p: Params, body: unknown): unknown
}

const amountText = z.string().regex(/^\d+(\.\d+)?$/, "must be a decimal string such as \"1.5\" (never a JSON number)")
const positiveInt = z.number().int().min(1)

const MerchantBody = z.strictObject({
  appId: z.string().min(1).max(128),
  merchantPublicKey: z.string().min(1),
  notifyUrl: z.url().optional(),
  confirmUrl: z.url().optional(),
  confirmAnswerTimeoutMs: positiveInt.optional(),
  payoutUid: positiveInt.optional(),
})
const FundBody = z.strictObject({
  target: z.union([positiveInt, z.literal("company")]),
  symbol: z.string().min(1),
  amount: amountText,
  appId: z.string().optional(),
})
const DepositBody = z.strictObject({
  address: z.string().min(1),
  symbol: z.string().optional(),
  amount: amountText,
  txid: z.string().min(1).optional(),
  from: z.string().min(1).optional(),
  kyt: z.enum(["none", "pending", "risk", "breaker"]).optional(),
  createdAt: z.number().int().nonnegative().optional(),
  silent: z.boolean().optional(),
  allowDuplicateTxid: z.boolean().optional(),
})
const RecordKind = z.enum(["deposit", "withdrawal", "miner_fee"])
const EditBody = z.strictObject({
  set: z
    .strictObject({
      amount: amountText.optional(),
      status: z.number().int().min(0).max(99).optional(),
      symbol: z.string().min(1).optional(),
      address_to: z.string().min(1).optional(),
      txid: z.string().optional(),
      withdraw_fee: amountText.optional(),
      real_fee: amountText.optional(),
      fee: amountText.optional(),
    })
    .refine((s) => Object.keys(s).length > 0, "set at least one field"),
})
const DropBody = z.strictObject({ scope: z.enum(["sync", "all"]).optional() })
const ConfirmBody = z.strictObject({ n: positiveInt.optional() })
const KytBody = z.strictObject({ result: z.enum(["pass", "fail"]) })
const OutcomeBody = z.strictObject({
  status: z.number().int().min(1).max(8),
  txid: z.string().min(1).optional(),
  realFee: amountText.optional(),
})
const AdvanceBody = z.strictObject({ ms: z.number().int().min(0) })
const FlushBody = z.strictObject({ order: z.enum(["reverse", "shuffle", "fifo"]).optional() })
const Empty = z.strictObject({})

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body ?? {})
  if (!r.success) throw new SimControlError(400, z.prettifyError(r.error))
  return r.data
}

function id(p: Params): number {
  if (!/^\d{1,15}$/.test(p.id)) throw new SimControlError(400, `not a record id: ${p.id}`)
  return Number(p.id)
}

function kind(p: Params): z.output<typeof RecordKind> {
  const r = RecordKind.safeParse(p.kind)
  if (!r.success) throw new SimControlError(400, `not a record kind: ${p.kind} (deposit, withdrawal or miner_fee)`)
  return r.data
}

function routes(c: SimControl): Route[] {
  const r = (method: string, path: string, run: Route["run"]): Route => ({
    method,
    // ":name" segments capture one path segment
    pattern: new RegExp("^/_control" + path.replace(/:(\w+)/g, (_, n: string) => `(?<${n}>[^/]+)`) + "$"),
    run,
  })
  return [
    r("GET", "/state", () => c.getState()),
    r("GET", "/clock", () => ({ now: c.now() })),
    r("POST", "/clock/advance", (_, b) => c.advanceClock(parse(AdvanceBody, b).ms)),
    r("POST", "/merchants", (_, b) => c.addMerchant(parse(MerchantBody, b))),
    r("POST", "/fund", (_, b) => {
      const f = parse(FundBody, b)
      return c.fund(f.target, f.symbol, f.amount, f.appId)
    }),
    r("POST", "/deposits", (_, b) => c.chainDeposit(parse(DepositBody, b))),
    r("POST", "/deposits/quiet", (_, b) => c.quietDeposit(parse(DepositBody, b))),
    r("POST", "/records/:kind/:id/edit", (p, b) => c.editRecord(kind(p), id(p), parse(EditBody, b).set)),
    r("POST", "/records/:kind/:id/drop", (p, b) => c.dropRecord(kind(p), id(p), parse(DropBody, b).scope)),
    r("POST", "/deposits/:id/confirm", (p, b) => c.confirmDeposit(id(p), parse(ConfirmBody, b).n)),
    r("POST", "/deposits/:id/kyt", (p, b) => c.releaseKyt(id(p), parse(KytBody, b).result)),
    r("POST", "/deposits/:id/fail", (p, b) => (parse(Empty, b), c.failDeposit(id(p)))),
    r("POST", "/deposits/:id/reverse", (p, b) => (parse(Empty, b), c.reverseDeposit(id(p)))),
    r("POST", "/withdrawals/:ref/outcome", (p, b) => {
      const o = parse(OutcomeBody, b)
      return c.setWithdrawalOutcome(decodeURIComponent(p.ref), o.status, { txid: o.txid, realFee: o.realFee })
    }),
    r("GET", "/faults", () => c.getFaults()),
    r("PUT", "/faults", (_, b) => c.setFaults((b ?? {}) as Parameters<SimControl["setFaults"]>[0])),
    r("POST", "/faults", (_, b) => c.setFaults((b ?? {}) as Parameters<SimControl["setFaults"]>[0])),
    r("DELETE", "/faults", () => c.clearFaults()),
    r("GET", "/deliveries", () => c.deliveries()),
    r("GET", "/notifications", () => c.notifications()),
    r("POST", "/notifications/flush", async (_, b) => ({ sent: await c.flushNotifications(parse(FlushBody, b).order) })),
    r("POST", "/notifications/:id/redeliver", (p) => c.redeliver(decodeURIComponent(p.id))),
    r("GET", "/confirmations", () => c.confirmations()),
  ]
}

/** compare digests so neither the length nor the content of the token leaks through timing */
function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")
  if (!m) return false
  const a = createHash("sha256").update(m[1]).digest()
  const b = createHash("sha256").update(token).digest()
  return timingSafeEqual(a, b)
}

export function createControlApi(o: ControlApiOptions): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const table = routes(o.control)
  return async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/, "")
    if (req.method === "GET" && path === "/_control/info") return sendJson(res, 200, o.info())
    if (!tokenMatches(req.headers.authorization, o.token)) {
      res.setHeader("www-authenticate", 'Bearer realm="waas-simulator"')
      return sendJson(res, 401, { error: "unauthorized: send Authorization: Bearer <controlToken>" })
    }
    const matches = table.filter((r) => r.pattern.test(path))
    if (matches.length === 0) return sendJson(res, 404, { error: `no control route ${path}` })
    const route = matches.find((r) => r.method === req.method)
    if (!route) return sendJson(res, 405, { error: `${req.method} not allowed on ${path}` })
    let body: unknown
    try {
      const raw = (await readBody(req, 1024 * 1024)).toString("utf8").trim()
      body = raw ? JSON.parse(raw) : undefined
    } catch (e) {
      const status = e instanceof BodyTooLarge ? 413 : 400
      return sendJson(res, status, { error: status === 413 ? "body too large" : "the body is not JSON" })
    }
    try {
      const params = (route.pattern.exec(path)?.groups ?? {}) as Params
      sendJson(res, 200, (await route.run(params, body)) ?? {})
    } catch (e) {
      if (e instanceof SimControlError) return sendJson(res, e.status, { error: e.message })
      throw e
    }
  }
}
