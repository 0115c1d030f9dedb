import { createServer, IncomingMessage, Server, ServerResponse } from "node:http"
import { AddressInfo } from "node:net"
import { startSimulator, WaasSimulator } from "../../../simulator"
import { openConfirmationRequest, sealConfirmationAnswer } from "../../protocol/callbacks"
import { parseDecimal } from "../../protocol/decimal"
import { DecimalFormatError, WaasBusinessError, WaasCryptoError, WaasResponseError, WaasTransportError } from "../../protocol/errors"
import { generateWaasKeyPair } from "../../protocol/keys"
import { WithdrawConfirmationRequest } from "../../protocol/schemas"
import { WaasClient, WithdrawInput } from "../client"
import { registerOrRecover } from "../register-or-recover"
import { submitWithdrawalSafely } from "../safe-withdrawal"
import { rejection } from "./fake-waas"

/**
 * The client against the real simulator over HTTP: every endpoint, each error path, the second confirmation
 * answered by a small merchant receiver built from the protocol helpers, and the safe-withdrawal pattern.
 */

const APP_ID = "c0ffee00c0ffee00c0ffee00c0ffee00"
const ETH_DEST = "0x1234567890abcdef1234567890abcdef12345678"

type ReceiverMode = "envelope" | "bare" | "wrong_check_sum" | "failure" | "wrong_key" | "http_500"

interface Receiver {
  url: string
  mode: ReceiverMode
  /** the merchant's persisted withdrawals by request_id: what the receiver approves */
  expected: Map<string, WithdrawInput>
  seen: WithdrawConfirmationRequest[]
  close(): Promise<void>
}

let merchant: { privateKey: string; publicKey: string }
let stranger: { privateKey: string; publicKey: string }
let sim: WaasSimulator
let receiver: Receiver
let client: WaasClient
const extraClients: WaasClient[] = []

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")))
}

/** the merchant's second-confirmation endpoint (§3.4), as the plugin's route will do it */
async function startReceiver(waasPublicKey: () => string): Promise<Receiver> {
  const r: Omit<Receiver, "url" | "close"> = { mode: "envelope", expected: new Map(), seen: [] }
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const form = await readForm(req)
      let request: WithdrawConfirmationRequest
      try {
        request = openConfirmationRequest(form, { appId: APP_ID, waasPublicKey: waasPublicKey() })
      } catch {
        res.writeHead(400, { "content-type": "text/plain" }).end("FAILURE")
        return
      }
      r.seen.push(request)
      const mine = r.expected.get(request.request_id)
      const matches =
        mine !== undefined &&
        mine.from_uid === request.from_uid &&
        mine.to_address === request.to_address &&
        mine.symbol === request.symbol &&
        parseDecimal(mine.amount).equals(parseDecimal(request.amount))
      if (!matches) {
        res.writeHead(200, { "content-type": "text/plain" }).end("FAILURE")
        return
      }
      const answer = (checkSum: string, key: string, mode: "envelope" | "bare") => sealConfirmationAnswer(checkSum, key, mode)
      let out: { contentType: string; body: string }
      switch (r.mode) {
        case "envelope":
        case "bare":
          out = answer(request.check_sum, merchant.privateKey, r.mode)
          break
        case "wrong_check_sum":
          out = answer(request.check_sum + "0", merchant.privateKey, "envelope")
          break
        case "wrong_key":
          out = answer(request.check_sum, stranger.privateKey, "envelope")
          break
        case "failure":
          out = { contentType: "text/plain", body: "FAILURE" }
          break
        case "http_500":
          res.writeHead(500).end()
          return
      }
      res.writeHead(200, { "content-type": out.contentType }).end(out.body)
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}/hooks/waas/confirm`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  })
}

function newClient(over: Partial<ConstructorParameters<typeof WaasClient>[0]> = {}): WaasClient {
  const c = new WaasClient({
    host: sim.url,
    pathPrefix: sim.pathPrefix,
    appId: APP_ID,
    merchantPrivateKey: merchant.privateKey,
    waasPublicKey: sim.walletPublicKey,
    readTimeoutMs: 5000,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    logger: { warn: () => undefined },
    ...over,
  })
  extraClients.push(c)
  return c
}

beforeAll(async () => {
  merchant = generateWaasKeyPair()
  stranger = generateWaasKeyPair()
  let walletPublicKey = ""
  receiver = await startReceiver(() => walletPublicKey)
  sim = await startSimulator({
    port: 0,
    clock: "manual",
    merchants: [{ appId: APP_ID, merchantPublicKey: merchant.publicKey, confirmUrl: receiver.url, confirmAnswerTimeoutMs: 3000 }],
  })
  walletPublicKey = sim.walletPublicKey
  client = newClient()
})

afterAll(async () => {
  await Promise.all(extraClients.map((c) => c.close()))
  await sim?.stop()
  await receiver?.close()
})

beforeEach(() => {
  sim.control.clearFaults()
  receiver.mode = "envelope"
})

let emailCounter = 0
const freshEmail = () => `shopper-${Date.now()}-${++emailCounter}@example.com`

/** a registered user with an ETH balance of `amount` */
async function fundedUser(amount = "5"): Promise<number> {
  const { uid } = await client.registerEmail(freshEmail())
  sim.control.fund(uid, "ETH", amount, APP_ID)
  return uid
}

let ridCounter = 0
function withdrawal(uid: number, over: Partial<WithdrawInput> = {}): WithdrawInput {
  const input: WithdrawInput = {
    request_id: `wd-${Date.now()}-${++ridCounter}`,
    from_uid: uid,
    to_address: ETH_DEST,
    amount: "0.5",
    symbol: "ETH",
    ...over,
  }
  receiver.expected.set(input.request_id, input)
  return input
}

const withdrawalsFor = (requestId: string) => sim.control.getState().withdrawals.filter((w) => w.requestId === requestId)

describe("users and addresses", () => {
  it("registerEmail → uid; user/info by email finds the same uid", async () => {
    const email = freshEmail()
    const { uid } = await client.registerEmail(email)
    expect(Number.isSafeInteger(uid)).toBe(true)
    expect(await client.userInfo({ email })).toMatchObject({ uid })
  })

  it("a duplicate email fails with a business error, and registerOrRecover recovers the uid", async () => {
    const email = freshEmail()
    const first = await registerOrRecover(client, email)
    expect(first.recovered).toBe(false)
    const dup = await rejection(client.registerEmail(email))
    expect(dup).toBeInstanceOf(WaasBusinessError)
    expect((dup as WaasBusinessError).plaintext).toBe(false)
    expect(await registerOrRecover(client, email)).toEqual({ uid: first.uid, recovered: true })
  })

  it("user/info of an unknown user → 110065", async () => {
    expect(await rejection(client.userInfo({ email: freshEmail() }))).toMatchObject({ code: "110065" })
  })

  it("getCoinList returns typed coins", async () => {
    const coins = await client.getCoinList()
    const eth = coins.find((c) => c.symbol === "ETH")
    expect(eth).toBeDefined()
    expect(eth?.decimals).toBe(18)
    expect(typeof eth?.address_regex).toBe("string")
    expect(coins.map((c) => c.symbol)).toEqual(expect.arrayContaining(["BTC", "ETH", "USDTERC20"]))
  })

  it("getDepositAddress allocates once and returns the same address again", async () => {
    const { uid } = await client.registerEmail(freshEmail())
    const a = await client.getDepositAddress(uid, "ETH")
    expect(a.uid).toBe(uid)
    expect(a.address).toMatch(/^0x[0-9a-fA-F]{40}$/)
    expect(await client.getDepositAddress(uid, "ETH")).toEqual(a)
  })

  it("getDepositAddress for an unsupported coin → 120202", async () => {
    const { uid } = await client.registerEmail(freshEmail())
    expect(await rejection(client.getDepositAddress(uid, "DOGE"))).toMatchObject({ name: "WaasBusinessError", code: "120202" })
  })
})

describe("deposits, balances and miner fees", () => {
  it("a confirmed deposit shows in syncDepositList/depositList, the company balance and syncMinerFeeList/minerFeeList", async () => {
    const { uid } = await client.registerEmail(freshEmail())
    const { address } = await client.getDepositAddress(uid, "ETH")
    const companyBefore = parseDecimal((await client.getCompanyBySymbol("ETH")).balance)
    const feesBefore = await client.syncMinerFeeList(0)
    const maxFeeId = feesBefore.reduce((m, f) => Math.max(m, f.id), 0)

    const dep = sim.control.chainDeposit({ address, amount: "0.25" })
    let [row] = await client.depositList([dep.id])
    expect(row).toMatchObject({ id: dep.id, uid, symbol: "ETH", address_to: address, status: 0 })
    sim.control.confirmDeposit(dep.id, 12)
    ;[row] = await client.depositList([dep.id])
    expect(row.status).toBe(1)
    expect(parseDecimal(row.amount).equals("0.25")).toBe(true)

    const synced = await client.syncDepositList(dep.id - 1)
    expect(synced[0]?.id).toBe(dep.id)

    const bal = await client.getByUidAndSymbol(uid, "ETH")
    expect(bal.deposit_address).toBe(address)
    parseDecimal(bal.normal_balance)
    parseDecimal(bal.lock_balance)
    // auto-collection (the simulator's default) sweeps the deposit to the company account
    const companyAfter = parseDecimal((await client.getCompanyBySymbol("ETH")).balance)
    expect(companyAfter.minus(companyBefore).equals("0.25")).toBe(true)

    const fees = await client.syncMinerFeeList(maxFeeId)
    expect(fees.length).toBeGreaterThanOrEqual(1)
    const fee = fees[fees.length - 1]
    parseDecimal(fee.fee)
    expect(await client.minerFeeList([fee.id])).toEqual([fee])
  })

  it("getByUidAndSymbol of an unknown uid → 110065", async () => {
    expect(await rejection(client.getByUidAndSymbol(99_999_999, "ETH"))).toMatchObject({ code: "110065" })
  })

  it("getCompanyBySymbol of an unknown coin → 120202", async () => {
    expect(await rejection(client.getCompanyBySymbol("NOPE"))).toMatchObject({ code: "120202" })
  })
})

describe("withdrawals and the second confirmation", () => {
  it.each(["envelope", "bare"] as const)("approved by a receiver answering in %s mode", async (mode) => {
    receiver.mode = mode
    const uid = await fundedUser()
    const input = withdrawal(uid, { amount: "0.50" })
    const before = receiver.seen.length
    const out = await client.withdraw(input)
    expect(out).toMatchObject({ withdraw_type: 1, status: 0 })
    expect(Number.isSafeInteger(out.id)).toBe(true)
    // the confirmation request carried exactly what was submitted
    const seen = receiver.seen.slice(before)
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ request_id: input.request_id, from_uid: uid, to_address: ETH_DEST, symbol: "ETH" })
    expect(seen[0].amount).toBe("0.5")
    expect(sim.control.confirmations().at(-1)).toMatchObject({ requestId: input.request_id, outcome: "approved" })

    const [rec] = await client.withdrawList([input.request_id])
    expect(rec).toMatchObject({ id: out.id, request_id: input.request_id, uid, address_to: ETH_DEST, symbol: "ETH" })
    expect(parseDecimal(rec.amount).equals("0.5")).toBe(true)
    expect((await client.syncWithdrawList(out.id - 1))[0]?.id).toBe(out.id)
    const bal = await client.getByUidAndSymbol(uid, "ETH")
    expect(parseDecimal(bal.lock_balance).equals("0.5")).toBe(true)
    expect(parseDecimal(bal.normal_balance).equals("4.5")).toBe(true)
  })

  it("withdrawal status changes are visible through withdrawList", async () => {
    const uid = await fundedUser()
    const input = withdrawal(uid)
    await client.withdraw(input)
    sim.control.setWithdrawalOutcome(input.request_id, 5, { txid: "0x" + "ab".repeat(32), realFee: "0.00042" })
    const [rec] = await client.withdrawList([input.request_id])
    expect(rec).toMatchObject({ status: 5, txid: "0x" + "ab".repeat(32) })
    expect(parseDecimal(rec.real_fee).equals("0.00042")).toBe(true)
  })

  it.each([
    ["wrong_check_sum"],
    ["failure"],
    ["wrong_key"],
    ["http_500"],
  ] as const)("a receiver that answers %s → 120206 and no withdrawal", async (mode) => {
    receiver.mode = mode
    const uid = await fundedUser()
    const input = withdrawal(uid)
    const e = await rejection(client.withdraw(input))
    expect(e).toBeInstanceOf(WaasBusinessError)
    expect((e as WaasBusinessError).code).toBe("120206")
    expect(withdrawalsFor(input.request_id)).toHaveLength(0)
    // the reservation was released: the full balance is still spendable
    expect(parseDecimal((await client.getByUidAndSymbol(uid, "ETH")).normal_balance).equals("5")).toBe(true)
  })

  it("a withdrawal the merchant did not persist is refused by the receiver → 120206", async () => {
    const uid = await fundedUser()
    const input = withdrawal(uid)
    receiver.expected.delete(input.request_id)
    expect(await rejection(client.withdraw(input))).toMatchObject({ code: "120206" })
  })

  it.each([
    ["110065 unknown user", { from_uid: 99_999_999 }, "110065"],
    ["120202 unknown coin", { symbol: "NOPE" }, "120202"],
    ["110055 invalid address", { to_address: "not-an-address" }, "110055"],
    ["110161 too many decimals", { symbol: "USDTERC20", amount: "12.1234567", to_address: ETH_DEST }, "110161"],
    ["120402 insufficient balance", { amount: "50" }, "120402"],
  ])("%s", async (_name, over, code) => {
    const uid = await fundedUser("1")
    const input = withdrawal(uid, over)
    const e = await rejection(client.withdraw(input))
    expect(e).toBeInstanceOf(WaasBusinessError)
    expect(e).toMatchObject({ code, plaintext: false, endpoint: "/billing/withdraw" })
  })

  it("110088 for a repeated request_id; submitWithdrawalSafely returns the existing record instead", async () => {
    const uid = await fundedUser()
    const input = withdrawal(uid)
    const first = await client.withdraw(input)
    expect(await rejection(client.withdraw(input))).toMatchObject({ code: "110088" })
    const again = await submitWithdrawalSafely(client, input, { settleDelayMs: 0 })
    expect(again).toMatchObject({ kind: "existing", via: "duplicate_request", record: { id: first.id } })
    expect(withdrawalsFor(input.request_id)).toHaveLength(1)
  })

  it("an amount the client cannot send exactly is refused locally", async () => {
    const uid = await fundedUser()
    expect(await rejection(client.withdraw(withdrawal(uid, { amount: "5e-1" })))).toBeInstanceOf(DecimalFormatError)
  })
})

describe("pre-authentication errors (plaintext, §1.5)", () => {
  it("an unknown app_id → 100015 plaintext", async () => {
    const stray = newClient({ appId: "ffffffffffffffffffffffffffffffff" })
    const e = await rejection(stray.getCoinList())
    expect(e).toBeInstanceOf(WaasBusinessError)
    expect(e).toMatchObject({ code: "100015", plaintext: true })
  })

  it("a request signed with the wrong merchant key → 100005 plaintext", async () => {
    const forged = newClient({ merchantPrivateKey: stranger.privateKey })
    expect(await rejection(forged.getCoinList())).toMatchObject({ name: "WaasBusinessError", code: "100005", plaintext: true })
  })

  it("a plaintext error injected on an endpoint surfaces the same way", async () => {
    sim.control.setFaults({ endpoints: { getCompanyBySymbol: { plaintextError: { times: 1, code: "100007" } } } })
    expect(await rejection(client.getCompanyBySymbol("ETH"))).toMatchObject({ code: "100007", plaintext: true })
  })

  it("a response signed by a key other than the configured WaaS key → WaasCryptoError", async () => {
    const misconfigured = newClient({ waasPublicKey: stranger.publicKey })
    const e = await rejection(misconfigured.getCoinList())
    expect(e).toBeInstanceOf(WaasCryptoError)
    expect((e as WaasCryptoError).endpoint).toBe("/user/getCoinList")
    expect((e as WaasCryptoError).bodyExcerpt?.length).toBeLessThanOrEqual(160)
  })
})

describe("transport faults and retries", () => {
  it("HTTP 5xx on a read is retried and succeeds", async () => {
    sim.control.setFaults({ endpoints: { getCoinList: { httpStatus: { times: 2, status: 503 } } } })
    expect((await client.getCoinList()).length).toBeGreaterThan(0)
    expect(sim.control.getFaults()).toEqual({})
  })

  it("HTTP 5xx on a read that outlasts the retries → WaasTransportError http_status", async () => {
    sim.control.setFaults({ endpoints: { syncDepositList: { httpStatus: { times: 5, status: 502 } } } })
    const e = await rejection(client.syncDepositList(0))
    expect(e).toMatchObject({ name: "WaasTransportError", kind: "http_status", status: 502 })
    // default readRetries = 2: three attempts consumed three of the five faults
    expect(sim.control.getFaults().endpoints?.syncDepositList?.httpStatus?.times).toBe(2)
  })

  it("HTTP 5xx on withdraw is NOT retried", async () => {
    const uid = await fundedUser()
    const input = withdrawal(uid)
    sim.control.setFaults({ endpoints: { withdraw: { httpStatus: { times: 2, status: 503 } } } })
    expect(await rejection(client.withdraw(input))).toMatchObject({ kind: "http_status", status: 503 })
    expect(sim.control.getFaults().endpoints?.withdraw?.httpStatus?.times).toBe(1) // exactly one attempt
    expect(withdrawalsFor(input.request_id)).toHaveLength(0)
  })

  it("100001 on a read is retried", async () => {
    sim.control.setFaults({ endpoints: { syncWithdrawList: { plaintextError: { times: 1, code: "100001" } } } })
    expect(Array.isArray(await client.syncWithdrawList(0))).toBe(true)
  })

  it("a read timeout → WaasTransportError timeout; with retries the next attempt succeeds", async () => {
    const impatient = newClient({ readTimeoutMs: 300, readRetries: 0 })
    sim.control.setFaults({ endpoints: { getCoinList: { hang: { times: 1 } } } })
    expect(await rejection(impatient.getCoinList())).toMatchObject({ name: "WaasTransportError", kind: "timeout" })
    const patient = newClient({ readTimeoutMs: 300, readRetries: 1 })
    sim.control.setFaults({ endpoints: { getCoinList: { hang: { times: 1 } } } })
    expect((await patient.getCoinList()).length).toBeGreaterThan(0)
  })

  it("a malformed amount in a response → WaasResponseError", async () => {
    sim.control.setFaults({ endpoints: { getCompanyBySymbol: { malformedAmounts: { times: 1 } } } })
    const e = await rejection(client.getCompanyBySymbol("ETH"))
    expect(e).toBeInstanceOf(WaasResponseError)
    expect((e as WaasResponseError).issues.join()).toContain("balance")
  })

  it("a non-JSON body → WaasResponseError (not retried)", async () => {
    sim.control.setFaults({ endpoints: { getCoinList: { garbage: { times: 2 } } } })
    expect(await rejection(client.getCoinList())).toBeInstanceOf(WaasResponseError)
    expect(sim.control.getFaults().endpoints?.getCoinList?.garbage?.times).toBe(1)
  })
})

describe("submitWithdrawalSafely against injected timeouts", () => {
  it("timeout AFTER the WaaS executed the withdrawal → the existing record, exactly one withdrawal", async () => {
    const impatient = newClient({ readTimeoutMs: 300 })
    const uid = await fundedUser()
    const input = withdrawal(uid)
    sim.control.setFaults({ endpoints: { withdraw: { hang: { times: 1, phase: "after" } } } })
    const out = await submitWithdrawalSafely(impatient, input, { settleDelayMs: 50 })
    expect(out).toMatchObject({ kind: "existing", via: "lookup_after_failure", record: { request_id: input.request_id } })
    expect(withdrawalsFor(input.request_id)).toHaveLength(1)
    // the merchant was asked exactly once
    expect(sim.control.confirmations().filter((c) => c.requestId === input.request_id)).toHaveLength(1)
  })

  it("timeout BEFORE the WaaS executed it → resubmitted with the same request_id, exactly one withdrawal", async () => {
    const impatient = newClient({ readTimeoutMs: 300 })
    const uid = await fundedUser()
    const input = withdrawal(uid)
    sim.control.setFaults({ endpoints: { withdraw: { hang: { times: 1, phase: "before" } } } })
    const out = await submitWithdrawalSafely(impatient, input, { settleDelayMs: 50 })
    expect(out).toMatchObject({ kind: "submitted", attempts: 2 })
    const rows = withdrawalsFor(input.request_id)
    expect(rows).toHaveLength(1)
    expect(out.kind === "submitted" && out.result.id).toBe(rows[0].id)
  })

  it("a plain withdraw after an injected timeout surfaces the timeout (the caller must not retry blindly)", async () => {
    const impatient = newClient({ readTimeoutMs: 300 })
    const uid = await fundedUser()
    const input = withdrawal(uid)
    sim.control.setFaults({ endpoints: { withdraw: { hang: { times: 1, phase: "after" } } } })
    const e = await rejection(impatient.withdraw(input))
    expect(e).toBeInstanceOf(WaasTransportError)
    expect((e as WaasTransportError).kind).toBe("timeout")
    expect(withdrawalsFor(input.request_id)).toHaveLength(1)
  })
})
