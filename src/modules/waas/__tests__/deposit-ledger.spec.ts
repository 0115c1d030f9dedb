import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import Decimal from "decimal.js"
import { WAAS_MODULE } from ".."
import type { Notification } from "../../../protocol"
import { CursorMovedError } from "../deposits/cursor-sql"
import type WaasModuleService from "../service"
import { depositRecord } from "./support/deposit-record"
import { testOptions } from "./support/fixtures"
import { recordingLogger } from "./support/logger"
import { seedPool } from "./support/seed"
import { buildPublicView } from "../checkout/public-view"

jest.setTimeout(60_000)

/**
 * The deposit ledger on real Postgres, without a WaaS: the module applies records as depositList would
 * return them. Exactly-once under concurrency, the holding window of a reused address, reversals, parked
 * records, the sync cursor and the callback inbox. Admin decisions re-read the WaaS: deposit-decisions.spec.ts.
 */
const log = recordingLogger()

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions({ underpaymentTolerance: "0" }) as unknown as Record<string, unknown>,
  testSuite: ({ service }) => {
    async function payment(session: string, amount = 25) {
      return service.createPaymentForSession({ session_id: session, amount, currency_code: "usd" })
    }
    const creditsOf = (paymentId: string) =>
      service.listDepositCredits({ crypto_payment_id: paymentId }, { order: { created_at: "ASC", entry: "ASC" } })

    it("one deposit applied 20 times at once is credited once", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = await payment("payses_conc")
      const record = depositRecord(p)
      const results = await Promise.all(Array.from({ length: 20 }, () => service.applyDeposit(record, "callback")))
      expect(results.filter((r) => r.credited_now)).toHaveLength(1)
      expect(results.flatMap((r) => r.events).filter((e) => e === "waas.payment.paid")).toHaveLength(1)
      expect(await creditsOf(p.id)).toHaveLength(1)
      expect(await service.retrieveCryptoPayment(p.id)).toMatchObject({ status: "paid", amount_received: "25", amount_excess: "0" })
    })

    it("many deposits to one payment at once: received is their exact sum, derived from the ledger", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = await payment("payses_sum", 100)
      const parts = ["0.1", "0.2", "12.345678", "7.000001", "0.000001", "30", "0.654321", "9.9", "13", "26.8"]
      await Promise.all(parts.map((amount) => service.applyDeposit(depositRecord(p, { amount }), "poll")))
      const sum = parts.reduce((a, b) => a.plus(b), new Decimal(0))
      const after = await service.retrieveCryptoPayment(p.id)
      expect(after.amount_received).toBe(sum.toFixed())
      expect(after.status).toBe(sum.gt(100) ? "overpaid" : sum.eq(100) ? "paid" : "underpaid")
      expect(await creditsOf(p.id)).toHaveLength(parts.length)
    })

    it("the ledger is append-only: the generated CRUD cannot add, change or remove credit rows", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = await payment("payses_guard", 25)
      await service.applyDeposit(depositRecord(p), "callback")
      const [credit] = await creditsOf(p.id)
      await expect(service.deleteDepositCredits([credit.id])).rejects.toThrow(/deposit ledger is append-only/)
      await expect(service.softDeleteDepositCredits([credit.id])).rejects.toThrow(/deposit ledger is append-only/)
      await expect(service.updateDepositCredits({ id: credit.id, amount: "1000" } as never)).rejects.toThrow(/append-only/)
      await expect(service.createDepositCredits({ ...credit, id: undefined } as never)).rejects.toThrow(/append-only/)
      expect(await creditsOf(p.id)).toHaveLength(1)
      expect((await service.retrieveCryptoPayment(p.id)).amount_received).toBe("25")
    })

    it("an underpaid payment lets its address go into quarantine once its monitoring window is over", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = await payment("payses_under", 25)
      await service.applyDeposit(depositRecord(p, { amount: "10" }), "callback")
      expect(await service.retrieveCryptoPayment(p.id)).toMatchObject({ status: "underpaid", amount_received: "10" })
      const monitorEnd = new Date(p.monitor_until).getTime()
      expect(await service.releaseCooledAddresses(new Date(monitorEnd - 1))).toEqual({ cooling: 0, retired: 0, available: 0 })
      expect(await service.releaseCooledAddresses(new Date(monitorEnd))).toEqual({ cooling: 1, retired: 0, available: 0 })
      const [address] = await service.listPoolAddresses({ id: p.pool_address_id })
      expect(address).toMatchObject({ status: "cooling", crypto_payment_id: p.id })
      // the payment itself stays underpaid for an admin to settle
      expect((await service.retrieveCryptoPayment(p.id)).status).toBe("underpaid")
    })

    it("a reused address: a deposit belongs to the payment that held the address when it was created", async () => {
      const [address] = await seedPool(service, "USDTERC20", 1)
      const first = await payment("payses_old")
      await service.releasePaymentForSession("payses_old")
      // the quarantine ends at the old quote's monitor_until; then the address serves the next shopper
      await service.releaseCooledAddresses(new Date(new Date(first.monitor_until).getTime() + 1))
      const second = await payment("payses_new")
      expect(second.address).toBe(address)
      const handover = new Date(second.address_assigned_at!).getTime()

      // sent while the first payment held it (it was canceled since): an orphan, never the new shopper's money
      const early = await service.applyDeposit(depositRecord(second, { created_at: handover - 1 }), "poll")
      expect(early).toMatchObject({ after: "orphaned", payment: null })
      const [orphan] = await service.listDeposits({ id: early.deposit_id })
      expect(orphan).toMatchObject({ orphan_reason: "payment_canceled", crypto_payment_id: first.id })

      const onTime = await service.applyDeposit(depositRecord(second, { created_at: handover + 1 }), "poll")
      expect(onTime).toMatchObject({ after: "credited", payment: { id: second.id, after: "paid" } })
      expect(await creditsOf(first.id)).toEqual([])
    })

    it("a re-quote onto another address moves the holding window with it", async () => {
      await seedPool(service, "USDTERC20", 1)
      const [btc] = await seedPool(service, "BTC", 1)
      const p = await payment("payses_swap", 130)
      const swapped = await service.requotePayment({ session_id: "payses_swap", amount: 130, currency_code: "usd", symbol: "BTC" })
      expect(swapped.address).toBe(btc)
      const at = new Date(swapped.address_assigned_at!).getTime()
      expect(at).toBeGreaterThan(new Date(p.created_at).getTime() - 1)
      // before the swap, beyond the clock grace (depositClockGraceSeconds, 300 s): nobody's
      const before = await service.applyDeposit(depositRecord(swapped, { created_at: at - 300_001 }), "poll")
      expect(before).toMatchObject({ after: "orphaned" })
      const after = await service.applyDeposit(depositRecord(swapped, { created_at: at + 1 }), "poll")
      expect(after).toMatchObject({ after: "credited", payment: { id: p.id, after: "paid" } })
    })

    it("a credited deposit the WaaS later reports failed is reversed by an appended entry, once", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = await payment("payses_reverse")
      const record = depositRecord(p)
      await service.applyDeposit(record, "callback")
      const [credit] = await creditsOf(p.id)

      const reversal = await service.applyDeposit({ ...record, status: 2 }, "poll")
      expect(reversal).toMatchObject({
        before: "credited",
        after: "reversed",
        credited_now: false,
        payment: { id: p.id, before: "paid", after: "reversed", amount_received: "0" },
        events: ["waas.deposit.received", "waas.deposit.reversed"],
      })
      expect(reversal.review_reason).toMatch(/^the WaaS reports status 2 \(failed\) for this deposit after it was credited/)
      // the credit row is untouched; the reversing entry is a second row for the same WaaS id
      const entries = await creditsOf(p.id)
      expect(entries.map((e) => [e.entry, e.amount, e.reverses_id])).toEqual([
        ["credit", "25", null],
        ["reversal", "25", credit.id],
      ])
      expect(entries[0]).toEqual(credit)
      const reversed = await service.retrieveCryptoPayment(p.id)
      expect(reversed).toMatchObject({ status: "reversed", amount_received: "0", amount_excess: "0" })
      expect(buildPublicView(reversed, undefined)).toMatchObject({ status: "reversed", amount_remaining: "25" })

      // repeats, and the WaaS saying success again, move no more money: a reversal is final
      for (const status of [2, 1]) {
        expect(await service.applyDeposit({ ...record, status }, "callback")).toMatchObject({ after: "reversed", payment: null, events: [] })
      }
      expect(await creditsOf(p.id)).toHaveLength(2)
    })

    it("a record the rules cannot apply is parked; once it reads normally it is applied like any other", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = await payment("payses_parked")
      const record = depositRecord(p, { status: 3 })
      const parked = await service.parkDeposit({ kind: "record", record }, "poll", "the WaaS reports status 3")
      expect(parked).toMatchObject({ before: null, after: "needs_review", events: ["waas.deposit.received", "waas.deposit.needs_review"] })
      const [row] = await service.listDeposits({ id: parked.deposit_id })
      expect(row).toMatchObject({ status: "needs_review", review_reason: "the WaaS reports status 3", waas_status: 3 })
      expect((await service.retrieveCryptoPayment(p.id)).status).toBe("awaiting_payment")

      const applied = await service.applyDeposit({ ...record, status: 1 }, "poll")
      expect(applied).toMatchObject({ before: "needs_review", after: "credited", payment: { after: "paid" } })
    })

    it("the sync cursor moves only forward, and only from the value the mover read", async () => {
      // never run counts as due; a run spaces the next one out by depositPollIntervalSeconds (60)
      expect(await service.depositPoll().isDue()).toBe(true)
      expect(await service.depositPoll().cursor()).toBe("0")
      await service.depositPoll().advance("0", "100")
      await expect(service.depositPoll().advance("0", "150")).rejects.toBeInstanceOf(CursorMovedError)
      await expect(service.depositPoll().advance("100", "99")).rejects.toThrow(RangeError)
      expect(await service.depositPoll().cursor()).toBe("100")
      await service.depositPoll().markRun()
      expect(await service.depositPoll().isDue()).toBe(false)
    })

    it("the callback inbox: repeats bump one row, the lease lets one processor in, completion covers what it saw", async () => {
      const n = { side: "deposit", id: 42, uid: 1, symbol: "USDTERC20", amount: "1", address_to: "0xabc", status: 1 } as unknown as Notification
      const first = await service.recordCallback(n)
      const second = await service.recordCallback({ ...n, status: 0 } as Notification)
      expect(first).toMatchObject({ first_delivery: true, received_count: 1 })
      expect(second).toMatchObject({ id: first.id, first_delivery: false, received_count: 2 })
      const [row] = await service.listCallbackInboxes({ id: first.id })
      expect(row).toMatchObject({ last_status: 0, received_count: 2, processed_count: 0 })

      expect(await service.claimCallback(first.id, "withdraw")).toBeNull()
      const claimed = await service.claimCallback(first.id, "deposit")
      expect(claimed).toMatchObject({ id: first.id, waas_id: "42", received_count: 2 })
      expect(await service.claimCallback(first.id, "deposit")).toBeNull()
      expect(await service.listPendingCallbacks("deposit", 10)).toEqual([])

      await service.recordCallback(n) // arrives while the first run processes
      expect(await service.completeCallback(first.id, claimed!.received_count, "done")).toEqual({ more: true })
      const again = await service.claimCallback(first.id, "deposit")
      expect(again?.received_count).toBe(3)
      expect(await service.completeCallback(first.id, 3, "done")).toEqual({ more: false })
      expect(await service.listPendingCallbacks("deposit", 10)).toEqual([])

      // a failed run gives its lease back at once
      await service.reopenCallback(first.id)
      await service.claimCallback(first.id, "deposit")
      await service.releaseCallback(first.id, "WaaS unreachable")
      expect(await service.listPendingCallbacks("deposit", 10)).toEqual([first.id])
      const [failed] = await service.listCallbackInboxes({ id: first.id })
      expect(failed.last_error).toBe("WaaS unreachable")
    })
  },
})
