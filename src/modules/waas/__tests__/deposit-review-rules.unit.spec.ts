import { WaasTransportError } from "../../../protocol"
import { retryDelaySeconds, retryDelaySql, RETRY_MAX_SECONDS } from "../callbacks/retry-schedule"
import { isTransientFailure } from "../deposits/failure-kind"
import { LedgerRaceError } from "../deposits/ledger-sql"
import { UnapplicableDepositError } from "../deposits/outcome"
import { factsOfUnreadable, readDepositRows } from "../deposits/pulled-deposit"

/** The pure rules behind parking a deposit and retrying a callback: what is whose fault, and when to try again. */
const good = (id: number, patch: Record<string, unknown> = {}) => ({
  symbol: "USDTERC20",
  uid: 10001,
  amount: "1.5",
  updated_at: 1_700_000_600_000,
  address_to: "0x" + "1".repeat(40),
  created_at: 1_700_000_000_000,
  txid: "0x" + "2".repeat(64),
  id,
  confirmations: 12,
  status: 1,
  ...patch,
})

describe("reading a list answer record by record", () => {
  it("keeps the good records, marks a malformed one unreadable under its id, counts rows without an id", () => {
    const { deposits, unidentified } = readDepositRows([good(3), good(2, { amount: "1,5" }), { amount: "9" }, "garbage", good(1, { status: 3 })])
    expect(deposits.map((d) => [d.kind, d.kind === "record" ? d.record.id : d.waas_deposit_id])).toEqual([
      ["record", 1],
      ["unreadable", "2"],
      ["record", 3],
    ])
    expect(unidentified).toBe(2)
    const unreadable = deposits[1]
    if (unreadable.kind !== "unreadable") throw new Error("expected unreadable")
    expect(unreadable.problems).toEqual(["amount: expected a plain non-negative decimal string"])
    // what the parked row keeps: the WaaS's text as sent, never a number made up for it
    const now = new Date(0)
    expect(factsOfUnreadable(unreadable, 480, now)).toMatchObject({ waas_deposit_id: "2", amount: "1,5", waas_status: 1, confirmations: 12 })
    expect(factsOfUnreadable({ ...unreadable, raw: { id: 2, status: "x" } }, 480, now)).toMatchObject({ waas_status: -1, amount: "", waas_created_at: now })
  })
})

describe("whose fault a failure is", () => {
  it("the database, the WaaS or a race: transient (retried, the cursor stays); anything else: the record's (parked)", () => {
    const pg = (code: string) => Object.assign(new Error("db"), { code })
    for (const e of [
      new WaasTransportError("/billing/depositList", "timeout", "timed out"),
      new LedgerRaceError("changed under its lock"),
      pg("08006"),
      pg("40001"),
      pg("40P01"),
      pg("55P03"),
      pg("57014"),
      Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
      new Error("Knex: Timeout acquiring a connection. The pool is probably full."),
      Object.assign(new Error("wrapped"), { cause: pg("53300") }),
    ]) {
      expect({ e: String(e), transient: isTransientFailure(e) }).toEqual({ e: String(e), transient: true })
    }
    for (const e of [new UnapplicableDepositError("status 3"), new RangeError("bad"), pg("22P02"), pg("23514"), new TypeError("x is undefined"), "text"]) {
      expect({ e: String(e), transient: isTransientFailure(e) }).toEqual({ e: String(e), transient: false })
    }
  })
})

describe("the callback retry schedule", () => {
  it("retries a first failure at the next sweep, then doubles from a minute to an hour", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 50].map(retryDelaySeconds)).toEqual([0, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600])
    expect(RETRY_MAX_SECONDS).toBe(3600)
    expect(retryDelaySql("n")).toBe(
      "(CASE WHEN n <= 1 THEN 0 WHEN n <= 2 THEN 60 WHEN n <= 3 THEN 120 WHEN n <= 4 THEN 240 WHEN n <= 5 THEN 480 " +
        "WHEN n <= 6 THEN 960 WHEN n <= 7 THEN 1920 ELSE 3600 END)",
    )
  })
})
