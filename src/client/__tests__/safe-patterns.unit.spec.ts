import { WaasBusinessError, WaasTransportError } from "../../protocol/errors"
import { generateWaasKeyPair } from "../../protocol/keys"
import { WaasClient, WithdrawInput } from "../client"
import { WaasRequestError, WithdrawalOutcomeUnknownError } from "../errors"
import { registerOrRecover } from "../register-or-recover"
import { submitWithdrawalSafely } from "../safe-withdrawal"
import { FakeWaas, fail, ok, rejection, Reply, SeenRequest, startFakeWaas } from "./fake-waas"

const APP_ID = "baaceb1e506e1b5d7d1f0a3b1622583b"

let merchant: { privateKey: string; publicKey: string }
let wallet: { privateKey: string; publicKey: string }
let fake: FakeWaas
let client: WaasClient

beforeAll(async () => {
  merchant = generateWaasKeyPair()
  wallet = generateWaasKeyPair()
  fake = await startFakeWaas({ merchantPublicKey: merchant.publicKey, walletPrivateKey: wallet.privateKey }, () => fail("100001"))
  client = new WaasClient({
    host: fake.url,
    appId: APP_ID,
    merchantPrivateKey: merchant.privateKey,
    waasPublicKey: wallet.publicKey,
    readTimeoutMs: 200,
    readRetries: 1,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 2,
    logger: { warn: () => undefined },
  })
})

afterAll(async () => {
  await client.close()
  await fake.close()
})

beforeEach(() => {
  fake.requests.length = 0
})

const input: WithdrawInput = {
  request_id: "wd-safe-1",
  from_uid: 3529218,
  to_address: "0x1234567890abcdef1234567890abcdef12345678",
  amount: "1.50",
  symbol: "ETH",
}

const record = (over: Record<string, unknown> = {}) => ({
  id: 48680,
  request_id: input.request_id,
  uid: input.from_uid,
  symbol: input.symbol,
  amount: "1.5",
  address_to: input.to_address,
  status: 0,
  created_at: 1,
  updated_at: 1,
  ...over,
})

/** a tiny in-memory WaaS ledger: withdraw stores by request_id, withdrawList reads it */
function ledger(behaviour: (req: SeenRequest, stored: Map<string, ReturnType<typeof record>>, call: number) => Reply | undefined) {
  const stored = new Map<string, ReturnType<typeof record>>()
  let withdrawCalls = 0
  fake.setHandler((req) => {
    if (req.url.endsWith("/billing/withdraw")) {
      withdrawCalls++
      const custom = behaviour(req, stored, withdrawCalls)
      if (custom) return custom
      const rid = String(req.inner.request_id)
      if (stored.has(rid)) return fail("110088", "please do not repeat the request")
      stored.set(rid, record({ request_id: rid, amount: String(req.inner.amount) }))
      return ok({ id: 48680, withdraw_type: 1, status: 0 })
    }
    if (req.url.endsWith("/billing/withdrawList")) {
      const ids = String(req.inner.ids).split(",")
      return ok(ids.flatMap((id) => (stored.has(id) ? [stored.get(id)] : [])))
    }
    return fail("100004")
  })
  return { stored, withdrawCalls: () => withdrawCalls }
}

const paths = () => fake.requests.map((r) => r.url.replace("/api/v2", ""))

describe("submitWithdrawalSafely", () => {
  it("the happy path submits once and looks nothing up", async () => {
    ledger(() => undefined)
    const out = await submitWithdrawalSafely(client, input, { settleDelayMs: 0 })
    expect(out).toEqual({ kind: "submitted", result: { id: 48680, withdraw_type: 1, status: 0 }, attempts: 1 })
    expect(paths()).toEqual(["/billing/withdraw"])
  })

  it("a timeout after the WaaS recorded the withdrawal → returns the existing record, no resubmission", async () => {
    const l = ledger((req, stored, call) => {
      if (call === 1) {
        stored.set(input.request_id, record())
        return { raw: "{}", delayMs: 5000 } // recorded, but the answer never arrives in time
      }
      return undefined
    })
    const out = await submitWithdrawalSafely(client, input, { settleDelayMs: 0 })
    expect(out).toMatchObject({ kind: "existing", via: "lookup_after_failure", record: { id: 48680, request_id: input.request_id } })
    expect(l.withdrawCalls()).toBe(1)
    expect(paths()).toEqual(["/billing/withdraw", "/billing/withdrawList"])
  })

  it("a timeout before the WaaS recorded anything → resubmits with the SAME request_id", async () => {
    const l = ledger((_req, _stored, call) => (call === 1 ? { raw: "gateway timeout", status: 504 } : undefined))
    const out = await submitWithdrawalSafely(client, input, { settleDelayMs: 0 })
    expect(out).toMatchObject({ kind: "submitted", attempts: 2 })
    expect(l.withdrawCalls()).toBe(2)
    expect(l.stored.size).toBe(1)
    const submitted = fake.requests.filter((r) => r.url.endsWith("/billing/withdraw"))
    expect(submitted.map((r) => r.inner.request_id)).toEqual([input.request_id, input.request_id])
    expect(paths()).toEqual(["/billing/withdraw", "/billing/withdrawList", "/billing/withdraw"])
  })

  it("110088 duplicate → returns the existing record", async () => {
    const l = ledger(() => undefined)
    l.stored.set(input.request_id, record({ status: 5 }))
    const out = await submitWithdrawalSafely(client, input, { settleDelayMs: 0 })
    expect(out).toMatchObject({ kind: "existing", via: "duplicate_request", record: { status: 5 } })
  })

  it("a resubmission that meets 110088 (the first attempt landed late) → the existing record", async () => {
    const l = ledger((_req, stored, call) => {
      if (call === 1) return { raw: "busy", status: 503 } // not recorded yet…
      if (call === 2) {
        stored.set(input.request_id, record()) // …it lands while we resubmit
        return fail("110088")
      }
      return undefined
    })
    const out = await submitWithdrawalSafely(client, input, { settleDelayMs: 0 })
    expect(out).toMatchObject({ kind: "existing", via: "duplicate_request" })
    expect(l.withdrawCalls()).toBe(2)
  })

  it("a definitive business error is rethrown without lookup", async () => {
    ledger(() => fail("120402", "insufficient balance"))
    const e = await rejection(submitWithdrawalSafely(client, input, { settleDelayMs: 0 }))
    expect(e).toBeInstanceOf(WaasBusinessError)
    expect((e as WaasBusinessError).code).toBe("120402")
    expect(paths()).toEqual(["/billing/withdraw"])
  })

  it("when the lookup fails too, the outcome is unknown (never a new request_id)", async () => {
    fake.setHandler((): Reply => ({ raw: "down", status: 503 }))
    const e = await rejection(submitWithdrawalSafely(client, input, { settleDelayMs: 0 }))
    expect(e).toBeInstanceOf(WithdrawalOutcomeUnknownError)
    expect((e as WithdrawalOutcomeUnknownError).requestId).toBe(input.request_id)
    expect((e as WithdrawalOutcomeUnknownError).lastError).toBeInstanceOf(WaasTransportError)
    expect(fake.requests.filter((r) => r.url.endsWith("/billing/withdraw"))).toHaveLength(1)
  })

  it("ambiguous failures on every attempt → unknown after maxResubmits", async () => {
    const l = ledger(() => ({ raw: "busy", status: 502 }))
    const e = await rejection(submitWithdrawalSafely(client, input, { settleDelayMs: 0, maxResubmits: 2 }))
    expect(e).toBeInstanceOf(WithdrawalOutcomeUnknownError)
    expect(l.withdrawCalls()).toBe(3)
  })

  it("an existing record with different details is a reused request_id, not a success", async () => {
    const l = ledger(() => undefined)
    l.stored.set(input.request_id, record({ amount: "2" }))
    const e = await rejection(submitWithdrawalSafely(client, input, { settleDelayMs: 0 }))
    expect(e).toBeInstanceOf(WaasRequestError)
    expect(String(e)).toContain("amount")
  })

  it("waits settleDelayMs before looking up", async () => {
    ledger((_r, stored, call) => {
      if (call === 1) {
        stored.set(input.request_id, record())
        return { raw: "x", status: 500 }
      }
      return undefined
    })
    const started = Date.now()
    await submitWithdrawalSafely(client, input, { settleDelayMs: 150 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })
})

describe("registerOrRecover", () => {
  it("registers", async () => {
    fake.setHandler(() => ok({ uid: 11 }))
    expect(await registerOrRecover(client, "a@b.co")).toEqual({ uid: 11, recovered: false })
    expect(paths()).toEqual(["/user/registerEmail"])
  })

  it("falls back to user/info on any registration error", async () => {
    fake.setHandler((req) => (req.url.endsWith("registerEmail") ? { raw: "x", status: 500 } : ok({ uid: 12, nickname: "" })))
    expect(await registerOrRecover(client, "a@b.co")).toEqual({ uid: 12, recovered: true })
    expect(paths()).toEqual(["/user/registerEmail", "/user/info"])
    expect(fake.requests[1].inner.email).toBe("a@b.co")
    fake.requests.length = 0
    fake.setHandler((req) => (req.url.endsWith("registerEmail") ? fail("110101") : ok({ uid: 13 })))
    expect(await registerOrRecover(client, "a@b.co")).toEqual({ uid: 13, recovered: true })
  })

  it("throws the registration error when the lookup fails too", async () => {
    fake.setHandler((req) => (req.url.endsWith("registerEmail") ? fail("110101", "registration failed") : fail("110065")))
    const e = await rejection(registerOrRecover(client, "a@b.co"))
    expect(e).toMatchObject({ name: "WaasBusinessError", code: "110101" })
  })
})
