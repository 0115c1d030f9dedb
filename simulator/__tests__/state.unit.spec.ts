import { generateWaasKeyPair } from "../../src/protocol"
import { AddressAllocator } from "../addresses"
import { CoinBook, DEFAULT_COINS } from "../coins"
import { SimControlError, SimWaasError } from "../errors"
import { SimState, type StateOptions } from "../state"
import type { SimDeposit, SimWithdrawal } from "../types"

const key = generateWaasKeyPair().publicKey
const APP = "app-1"
const OTHER = "app-2"
const EXTERNAL_ETH = "0x1111111111111111111111111111111111111111"

interface Harness {
  s: SimState
  deposits: Array<{ d: SimDeposit; final: boolean }>
  withdrawals: Array<{ w: SimWithdrawal; final: boolean }>
  tick(ms: number): void
}

function harness(o: Partial<StateOptions> = {}): Harness {
  let now = 1_700_000_000_000
  const h: Harness = {
    s: undefined as unknown as SimState,
    deposits: [],
    withdrawals: [],
    tick: (ms) => {
      now += ms
    },
  }
  h.s = new SimState({
    coins: new CoinBook(DEFAULT_COINS),
    allocator: new AddressAllocator(Buffer.from("seed")),
    now: () => now,
    userCap: 50_000,
    autoCollect: false,
    hooks: {
      depositChanged: (d, final) => h.deposits.push({ d, final }),
      withdrawalChanged: (w, final) => h.withdrawals.push({ w, final }),
    },
    ...o,
  })
  h.s.directory.addMerchant({ appId: APP, merchantPublicKey: key })
  h.s.directory.addMerchant({ appId: OTHER, merchantPublicKey: key })
  return h
}

function waasCode(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof SimWaasError) return e.code
    throw e
  }
  return undefined
}

function controlStatus(fn: () => unknown): number | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof SimControlError) return e.status
    throw e
  }
  return undefined
}

describe("users", () => {
  it("assigns increasing uids from 10001 and keeps emails unique per merchant, case-insensitively", () => {
    const { s } = harness()
    expect(s.directory.registerEmail(APP, "a@x.io").uid).toBe(10001)
    expect(s.directory.registerEmail(APP, "b@x.io").uid).toBe(10002)
    expect(waasCode(() => s.directory.registerEmail(APP, "A@X.io"))).toBe("110101")
    expect(s.directory.registerEmail(OTHER, "a@x.io").uid).toBe(10003)
    expect(s.directory.userByEmail(APP, "B@x.io").uid).toBe(10002)
    expect(waasCode(() => s.directory.userByEmail(APP, "nobody@x.io"))).toBe("110065")
  })

  it("refuses registrations past the cap with 110101", () => {
    const { s } = harness({ userCap: 2 })
    s.directory.registerEmail(APP, "a@x.io")
    s.directory.registerEmail(APP, "b@x.io")
    expect(waasCode(() => s.directory.registerEmail(APP, "c@x.io"))).toBe("110101")
    // the cap is per merchant
    expect(s.directory.registerEmail(OTHER, "c@x.io").uid).toBeGreaterThan(0)
  })

  it("hides other merchants' users", () => {
    const { s } = harness()
    const uid = s.directory.registerEmail(OTHER, "a@x.io").uid
    expect(waasCode(() => s.directory.depositAddress(APP, uid, "ETH"))).toBe("110065")
  })
})

describe("deposit addresses", () => {
  it("are stable, shared by tokens on the same chain, distinct across chains and users", () => {
    const { s } = harness()
    const u1 = s.directory.registerEmail(APP, "a@x.io").uid
    const u2 = s.directory.registerEmail(APP, "b@x.io").uid
    const eth = s.directory.depositAddress(APP, u1, "ETH").address
    expect(s.directory.depositAddress(APP, u1, "ETH").address).toBe(eth)
    expect(s.directory.depositAddress(APP, u1, "USDTERC20").address).toBe(eth)
    expect(s.directory.depositAddress(APP, u1, "usdterc20").symbol).toBe("USDTERC20")
    expect(s.directory.depositAddress(APP, u1, "USDTTRC20").address).toBe(s.directory.depositAddress(APP, u1, "TRX").address)
    expect(s.directory.depositAddress(APP, u1, "BTC").address).toMatch(/^bc1q/)
    expect(s.directory.depositAddress(APP, u2, "ETH").address).not.toBe(eth)
    expect(waasCode(() => s.directory.depositAddress(APP, u1, "DOGE"))).toBe("120202")
    expect(waasCode(() => s.directory.depositAddress(APP, 999, "ETH"))).toBe("110065")
  })
})

describe("deposits", () => {
  function setup(o: Partial<StateOptions> = {}) {
    const h = harness(o)
    const uid = h.s.directory.registerEmail(APP, "a@x.io").uid
    const eth = h.s.directory.depositAddress(APP, uid, "ETH").address
    return { ...h, uid, eth }
  }

  it("start at status 0 and become final and credited at the coin's confirmation count, notifying once", () => {
    const { s, uid, eth, deposits, tick } = setup()
    const d = s.deposits.chainDeposit({ address: eth, amount: "1.25" })
    expect(d).toMatchObject({ status: 0, confirmations: 0, symbol: "ETH", uid, requiredConfirmations: 12 })
    expect(d.txid).toMatch(/^0x[0-9a-f]{64}$/)
    tick(5000)
    expect(s.deposits.confirm(d.id, 11).status).toBe(0)
    expect(s.userBalance(APP, uid, "ETH").normal.toString()).toBe("0")
    const done = s.deposits.confirm(d.id)
    expect(done).toMatchObject({ status: 1, confirmations: 12 })
    expect(done.updatedAt - done.createdAt).toBe(5000)
    expect(s.userBalance(APP, uid, "ETH").normal.toString()).toBe("1.25")
    expect(deposits.filter((e) => e.final).map((e) => e.d.status)).toEqual([1])
    expect(controlStatus(() => s.deposits.confirm(d.id))).toBe(409)
    expect(controlStatus(() => s.deposits.fail(d.id))).toBe(409)
  })

  it("reverse a credited deposit: status 1 becomes 2, the amount leaves the balance, and the change is notified", () => {
    const { s, uid, eth, deposits } = setup()
    const d = s.deposits.chainDeposit({ address: eth, amount: "1.25" })
    expect(controlStatus(() => s.deposits.reverse(d.id))).toBe(409)
    s.deposits.confirm(d.id, 12)
    expect(s.userBalance(APP, uid, "ETH").normal.toString()).toBe("1.25")
    expect(s.deposits.reverse(d.id)).toMatchObject({ status: 2, confirmations: 12 })
    expect(s.userBalance(APP, uid, "ETH").normal.toString()).toBe("0")
    expect(deposits.filter((e) => e.final).map((e) => e.d.status)).toEqual([1, 2])
    expect(controlStatus(() => s.deposits.reverse(d.id))).toBe(409)
  })

  it("park in KYT review instead of crediting, until released", () => {
    const { s, uid, eth } = setup()
    const risky = s.deposits.chainDeposit({ address: eth, amount: "2", kyt: "risk" })
    expect(s.deposits.confirm(risky.id, 12).status).toBe(5)
    expect(s.userBalance(APP, uid, "ETH").normal.toString()).toBe("0")
    expect(s.deposits.releaseKyt(risky.id, "pass").status).toBe(1)
    expect(s.userBalance(APP, uid, "ETH").normal.toString()).toBe("2")
    const pending = s.deposits.chainDeposit({ address: eth, amount: "3", kyt: "pending" })
    expect(s.deposits.confirm(pending.id, 12).status).toBe(4)
    expect(s.deposits.releaseKyt(pending.id, "fail").status).toBe(2)
    const breaker = s.deposits.chainDeposit({ address: eth, amount: "3", kyt: "breaker" })
    expect(s.deposits.confirm(breaker.id, 20).status).toBe(6)
    expect(controlStatus(() => s.deposits.releaseKyt(risky.id, "pass"))).toBe(409)
    expect(s.userBalance(APP, uid, "ETH").normal.toString()).toBe("2")
  })

  it("pick the coin from the address: the main coin by default, a token when named, nothing foreign", () => {
    const { s, eth } = setup()
    expect(s.deposits.chainDeposit({ address: eth, amount: "1" }).symbol).toBe("ETH")
    expect(s.deposits.chainDeposit({ address: eth, amount: "1", symbol: "USDTERC20" }).symbol).toBe("USDTERC20")
    expect(controlStatus(() => s.deposits.chainDeposit({ address: eth, amount: "1", symbol: "BTC" }))).toBe(400)
    expect(controlStatus(() => s.deposits.chainDeposit({ address: EXTERNAL_ETH, amount: "1" }))).toBe(404)
    expect(controlStatus(() => s.deposits.chainDeposit({ address: eth, amount: "1.1234567", symbol: "USDTERC20" }))).toBe(400)
    expect(controlStatus(() => s.deposits.chainDeposit({ address: eth, amount: "0" }))).toBe(400)
    expect(controlStatus(() => s.deposits.chainDeposit({ address: eth, amount: "1,5" }))).toBe(400)
    s.deposits.chainDeposit({ address: eth, amount: "1", txid: "0xabc" })
    expect(controlStatus(() => s.deposits.chainDeposit({ address: eth, amount: "1", txid: "0xabc" }))).toBe(409)
  })

  it("auto-collection sweeps credited deposits to the company account, billing account-model sweeps in the base coin", () => {
    const { s, uid, eth } = setup({ autoCollect: true })
    const btc = s.directory.depositAddress(APP, uid, "BTC").address
    s.deposits.confirm(s.deposits.chainDeposit({ address: eth, amount: "100", symbol: "USDTERC20" }).id, 12)
    s.deposits.confirm(s.deposits.chainDeposit({ address: btc, amount: "0.5" }).id, 2)
    expect(s.userBalance(APP, uid, "USDTERC20").normal.toString()).toBe("0")
    expect(s.companyBalance(APP, "USDTERC20").balance.toString()).toBe("100")
    expect(s.companyBalance(APP, "BTC").balance.toString()).toBe("0.5")
    const fees = s.deposits.minerFeesAfter(APP, 0, 100)
    expect(fees).toHaveLength(1)
    expect(fees[0]).toMatchObject({ symbol: "USDTERC20", amount: "100", fee: "0.00065", baseSymbol: "ETH", addressFrom: eth })
  })
})

describe("withdrawals", () => {
  function setup(o: Partial<StateOptions> = {}) {
    const h = harness(o)
    const uid = h.s.directory.registerEmail(APP, "payer@x.io").uid
    h.s.fund(uid, "ETH", "10")
    const req = (over: Partial<{ request_id: string; from_uid: number; to_address: string; amount: string; symbol: string }> = {}) => ({
      request_id: `r-${Math.random()}`,
      from_uid: uid,
      to_address: EXTERNAL_ETH,
      amount: "1",
      symbol: "ETH",
      ...over,
    })
    return { ...h, uid, req }
  }

  it("validate in the documented order with the documented codes", () => {
    const { s, req } = setup()
    expect(waasCode(() => s.withdrawals.prepare(APP, req({ from_uid: 99 })))).toBe("110065")
    expect(waasCode(() => s.withdrawals.prepare(APP, req({ symbol: "DOGE" })))).toBe("120202")
    expect(waasCode(() => s.withdrawals.prepare(APP, req({ to_address: "0x123" })))).toBe("110055")
    expect(waasCode(() => s.withdrawals.prepare(APP, req({ to_address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t" })))).toBe("110055")
    expect(waasCode(() => s.withdrawals.prepare(APP, req({ amount: "1.0000000000000000001" })))).toBe("110161")
    expect(waasCode(() => s.withdrawals.prepare(APP, req({ amount: "0.009" })))).toBe("110078")
    expect(waasCode(() => s.withdrawals.prepare(APP, req({ amount: "1000.1" })))).toBe("110087")
    expect(waasCode(() => s.withdrawals.prepare(APP, req({ amount: "11" })))).toBe("120402")
    // with a minimum below the fee, an amount between them is 120404
    const cheap = harness({ coins: new CoinBook(DEFAULT_COINS.map((c) => (c.symbol === "ETH" ? { ...c, minWithdraw: "0.001" } : c))) })
    const u = cheap.s.directory.registerEmail(APP, "x@x.io").uid
    cheap.s.fund(u, "ETH", "1")
    expect(waasCode(() => cheap.s.withdrawals.prepare(APP, req({ from_uid: u, amount: "0.002" })))).toBe("120404")
  })

  it("reserve the amount while waiting for confirmation, so two calls cannot spend it twice", () => {
    const { s, uid, req } = setup()
    const first = s.withdrawals.prepare(APP, req({ amount: "6" }))
    expect(waasCode(() => s.withdrawals.prepare(APP, req({ amount: "6" })))).toBe("120402")
    // nothing visible on the wire while pending
    expect(s.userBalance(APP, uid, "ETH").normal.toString()).toBe("10")
    s.withdrawals.abort(first)
    expect(s.withdrawals.prepare(APP, req({ amount: "6" }))).toBeDefined()
  })

  it("treat a request_id as used while in flight and after commit, never after an abort", () => {
    const { s, req } = setup()
    const p = s.withdrawals.prepare(APP, req({ request_id: "r1" }))
    expect(waasCode(() => s.withdrawals.prepare(APP, req({ request_id: "r1" })))).toBe("110088")
    s.withdrawals.abort(p)
    s.withdrawals.commit(s.withdrawals.prepare(APP, req({ request_id: "r1" })))
    expect(waasCode(() => s.withdrawals.prepare(APP, req({ request_id: "r1" })))).toBe("110088")
    // request ids are per merchant
    const other = s.directory.registerEmail(OTHER, "o@x.io").uid
    s.fund(other, "ETH", "5")
    expect(s.withdrawals.prepare(OTHER, req({ request_id: "r1", from_uid: other }))).toBeDefined()
  })

  it("lock on commit, walk 0 → 1 → 3 → 5 notifying only the final state, and spend the lock", () => {
    const { s, uid, req, withdrawals } = setup()
    const w = s.withdrawals.commit(s.withdrawals.prepare(APP, req({ request_id: "pay-1", amount: "2.5" })))
    expect(w).toMatchObject({ status: 0, withdrawType: 1, withdrawFee: "0.002", feeSymbol: "ETH", txid: "" })
    let b = s.userBalance(APP, uid, "ETH")
    expect([b.normal.toString(), b.lock.toString()]).toEqual(["7.5", "2.5"])
    const done = s.withdrawals.setOutcome("pay-1", 5, { realFee: "0.0003" })
    expect(done).toMatchObject({ status: 5, saasStatus: 1, companyStatus: 1, realFee: "0.0003", confirmations: 12 })
    expect(done.txid).toMatch(/^0x[0-9a-f]{64}$/)
    expect(withdrawals.map((e) => [e.w.status, e.final])).toEqual([
      [0, false],
      [1, false],
      [3, false],
      [5, true],
    ])
    b = s.userBalance(APP, uid, "ETH")
    expect([b.normal.toString(), b.lock.toString()]).toEqual(["7.5", "0"])
    expect(controlStatus(() => s.withdrawals.setOutcome(w.id, 4))).toBe(409)
  })

  it("return the locked amount on every failure state and refuse impossible transitions", () => {
    for (const target of [2, 4, 6]) {
      const { s, uid, req } = setup()
      const w = s.withdrawals.commit(s.withdrawals.prepare(APP, req({ amount: "4" })))
      expect(s.withdrawals.setOutcome(w.id, target, { txid: "0xfeed" }).status).toBe(target)
      const b = s.userBalance(APP, uid, "ETH")
      expect([b.normal.toString(), b.lock.toString()]).toEqual(["10", "0"])
    }
    const { s, req } = setup()
    const w = s.withdrawals.commit(s.withdrawals.prepare(APP, req()))
    expect(s.withdrawals.setOutcome(String(w.id), 3, { txid: "0xfeed" }).txid).toBe("0xfeed")
    expect(controlStatus(() => s.withdrawals.setOutcome(w.id, 2))).toBe(409)
    expect(controlStatus(() => s.withdrawals.setOutcome(w.id, 6))).toBe(409)
    expect(controlStatus(() => s.withdrawals.setOutcome("no-such", 5))).toBe(404)
  })

  it("settle a transfer to another simulated user at once as withdraw_type 2 with a credited internal deposit", () => {
    const { s, uid, req, deposits, withdrawals } = setup()
    const friend = s.directory.registerEmail(APP, "friend@x.io").uid
    const to = s.directory.depositAddress(APP, friend, "ETH").address
    const w = s.withdrawals.commit(s.withdrawals.prepare(APP, req({ to_address: to, amount: "3" })))
    expect(w).toMatchObject({ withdrawType: 2, status: 0, withdrawFee: "0", toUid: friend })
    expect(withdrawals.at(-1)?.final).toBe(true)
    expect(deposits.at(-1)).toMatchObject({ final: true, d: { uid: friend, status: 1, internal: true, amount: "3", txid: "" } })
    expect(s.userBalance(APP, friend, "ETH").normal.toString()).toBe("3")
    expect(s.userBalance(APP, uid, "ETH").normal.toString()).toBe("7")
    expect(controlStatus(() => s.withdrawals.setOutcome(w.id, 5))).toBe(409)
    const own = s.directory.depositAddress(APP, uid, "ETH").address
    expect(waasCode(() => s.withdrawals.prepare(APP, req({ to_address: own })))).toBe("110055")
  })

  it("draw a payout uid's withdrawals from the company account", () => {
    const h = harness()
    const payout = h.s.directory.registerEmail(APP, "payout@x.io").uid
    h.s.directory.addMerchant({ appId: APP, merchantPublicKey: key, payoutUid: payout })
    expect(waasCode(() => h.s.withdrawals.prepare(APP, { request_id: "p1", from_uid: payout, to_address: EXTERNAL_ETH, amount: "20", symbol: "USDTERC20" }))).toBe("120402")
    h.s.fund("company", "USDTERC20", "50", APP)
    const w = h.s.withdrawals.commit(
      h.s.withdrawals.prepare(APP, { request_id: "p1", from_uid: payout, to_address: EXTERNAL_ETH, amount: "20", symbol: "USDTERC20" })
    )
    expect(w.fundedBy).toBe("company")
    expect(h.s.companyBalance(APP, "USDTERC20").balance.toString()).toBe("30")
    h.s.withdrawals.setOutcome(w.id, 4)
    expect(h.s.companyBalance(APP, "USDTERC20").balance.toString()).toBe("50")
    expect(h.s.userBalance(APP, payout, "USDTERC20").normal.toString()).toBe("0")
  })
})

describe("sync and list queries", () => {
  it("return ascending ids above max_id, capped, per merchant, and skip unknown ids silently", () => {
    const { s } = harness()
    const a = s.directory.registerEmail(APP, "a@x.io").uid
    const b = s.directory.registerEmail(OTHER, "b@x.io").uid
    const addrA = s.directory.depositAddress(APP, a, "TRX").address
    const addrB = s.directory.depositAddress(OTHER, b, "TRX").address
    for (let i = 0; i < 5; i++) {
      s.deposits.chainDeposit({ address: addrA, amount: "1" })
      s.deposits.chainDeposit({ address: addrB, amount: "1" })
    }
    const mine = s.deposits.after(APP, 0, 100).map((d) => d.id)
    expect(mine).toEqual([1, 3, 5, 7, 9])
    expect(s.deposits.after(APP, 3, 2).map((d) => d.id)).toEqual([5, 7])
    expect(s.deposits.byIds(APP, ["9", "2", "x", "999", "1"]).map((d) => d.id)).toEqual([9, 1])
  })
})
