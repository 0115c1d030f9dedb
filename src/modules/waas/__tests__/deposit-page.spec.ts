import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import Decimal from "decimal.js"
import { WAAS_MODULE } from ".."
import type { DepositRecord, Notification } from "../../../protocol"
import type { DepositApplication } from "../deposits/application"
import type { PulledDeposit } from "../deposits/pulled-deposit"
import type WaasModuleService from "../service"
import { depositRecord } from "./support/deposit-record"
import { testOptions } from "./support/fixtures"
import { recordingLogger } from "./support/logger"
import { seedPool } from "./support/seed"

jest.setTimeout(90_000)

/**
 * Deposits a page at a time (issue 11, item 2) on real Postgres, without a WaaS: the module applies a page of
 * records as one depositList or syncDepositList call returns them, and leases and completes a page of inbox rows in
 * one statement each. The page path must mean exactly what the per-deposit path means: credit once, park, reverse,
 * orphan; and two callers applying overlapping pages at once never credit anything twice.
 */
const log = recordingLogger()
/** the module's debug line when a page is applied a deposit at a time instead of set-based */
const fallbacks: string[] = []
const logger = { ...log.logger, debug: (m: unknown) => void (String(m).includes("applied one at a time") && fallbacks.push(String(m))) }
const asPulled = (records: DepositRecord[]): PulledDeposit[] => records.map((record) => ({ kind: "record", record }))

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions({ underpaymentTolerance: "0" }) as unknown as Record<string, unknown>,
  testSuite: ({ service }) => {
    const payment = (session: string, amount = 25) => service.createPaymentForSession({ session_id: session, amount, currency_code: "usd" })
    const creditRows = () => service.listDepositCredits({}, { order: { created_at: "ASC" } })

    beforeEach(() => {
      fallbacks.length = 0
    })

    it("a page with mixed cases: new, repeat, changed status, reversal, unknown address; set-based, in id order, each as alone", async () => {
      await seedPool(service, "USDTERC20", 5, "mixed")
      const [fresh, repeat, confirming, reversed, partial] = [
        await payment("payses_page_new"),
        await payment("payses_page_repeat"),
        await payment("payses_page_confirming"),
        await payment("payses_page_reversed"),
        await payment("payses_page_partial", 40),
      ]
      const repeatRecord = depositRecord(repeat)
      const confirmingRecord = depositRecord(confirming, { status: 0, confirmations: 1 })
      const reversedRecord = depositRecord(reversed)
      // applied before, one at a time, as callbacks would have
      for (const r of [repeatRecord, confirmingRecord, reversedRecord]) await service.applyDeposit(r, "callback")
      expect((await service.retrieveCryptoPayment(confirming.id)).status).not.toBe("paid")

      const newRecord = depositRecord(fresh)
      const unknown = depositRecord({ address: "0x000000000000000000000000000000000000dEaD", symbol: "USDTERC20", amount_due: "3" })
      const partA = depositRecord(partial, { amount: "15.5" })
      const partB = depositRecord(partial, { amount: "24.5" })
      const page = asPulled([partB, { ...reversedRecord, status: 2 }, unknown, { ...confirmingRecord, status: 1, confirmations: 12 }, repeatRecord, newRecord, partA])

      const entries = await service.applyDepositPage(page, "poll", { stopAtFailure: false })
      const ids = entries.map((e) => BigInt(e.waas_deposit_id))
      expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
      const by = new Map(entries.map((e) => [e.waas_deposit_id, e]))
      const app = (r: { id: number } | string) => {
        const e = by.get(typeof r === "string" ? r : String(r.id))
        if (e?.kind !== "applied") throw new Error(`not applied: ${JSON.stringify(e)}`)
        return e.application
      }
      expect(entries.every((e) => e.kind === "applied")).toBe(true)
      expect(app(newRecord)).toMatchObject({ before: null, after: "credited", credited_now: true, payment: { id: fresh.id, after: "paid", medusa_captured: false } })
      expect(app(repeatRecord)).toMatchObject({ before: "credited", after: "credited", credited_now: false, payment: null, events: [] })
      expect(app(confirmingRecord)).toMatchObject({ after: "credited", credited_now: true, payment: { id: confirming.id, after: "paid" } })
      expect(app(reversedRecord)).toMatchObject({ before: "credited", after: "reversed", payment: { id: reversed.id, before: "paid", after: "reversed" } })
      expect(app(unknown)).toMatchObject({ before: null, after: "orphaned", payment: null })
      expect(app(partA)).toMatchObject({ credited_now: true, payment: { id: partial.id, after: "underpaid" } })
      expect(app(partB)).toMatchObject({ credited_now: true, payment: { id: partial.id, before: "underpaid", after: "paid", amount_received: "40" } })
      expect(fallbacks).toEqual([])

      // the ledger: one credit per deposit the WaaS reports successful, one reversing entry, amounts exact
      const rows = await creditRows()
      const credits = rows.filter((r) => r.entry === "credit")
      expect(credits.map((c) => c.waas_deposit_id).sort()).toEqual(
        [newRecord, repeatRecord, confirmingRecord, reversedRecord, partA, partB].map((r) => String(r.id)).sort(),
      )
      expect(rows.filter((r) => r.entry === "reversal").map((r) => r.waas_deposit_id)).toEqual([String(reversedRecord.id)])
      expect(await service.retrieveCryptoPayment(partial.id)).toMatchObject({ status: "paid", amount_received: "40", amount_excess: "0" })
      expect(await service.retrieveCryptoPayment(reversed.id)).toMatchObject({ status: "reversed", amount_received: "0" })

      // the same page again changes nothing
      const again = await service.applyDepositPage(page, "poll", { stopAtFailure: false })
      expect(again.filter((e) => e.kind === "applied" && e.application.credited_now)).toEqual([])
      expect(await creditRows()).toHaveLength(rows.length)
      expect(fallbacks).toEqual([])
    })

    it("a page with a record that cannot be applied is rolled back and applied a deposit at a time: that one parked, the rest credited", async () => {
      await seedPool(service, "USDTERC20", 2, "fallback")
      const [a, b] = [await payment("payses_fallback_a"), await payment("payses_fallback_b")]
      const undocumented = depositRecord(a, { status: 3 })
      const good = depositRecord(b)
      const unreadable: PulledDeposit = { kind: "unreadable", waas_deposit_id: "699999999", raw: { id: 699999999, amount: "1,5" }, problems: ["amount: not a decimal"] }
      const entries = await service.applyDepositPage([...asPulled([good, undocumented]), unreadable], "poll", { stopAtFailure: false })
      expect(entries.map((e) => e.waas_deposit_id)).toEqual(["699999999", String(undocumented.id), String(good.id)])
      expect(entries.every((e) => e.kind === "applied")).toBe(true)
      expect(entries[0]).toMatchObject({ parked: true, application: { before: null, after: "needs_review" } })
      expect(entries[1]).toMatchObject({ parked: true, application: { before: null, after: "needs_review" } })
      expect(entries[2]).toMatchObject({ parked: false, application: { before: null, after: "credited", credited_now: true } })
      expect(log.lines.warn.some((l) => l.includes("deposit 699999999 parked for review"))).toBe(true)
      // readable records only: tried set-based first, rolled back whole when the rules refused status 3
      const readable = await service.applyDepositPage(asPulled([depositRecord(a, { status: 3 }), depositRecord(b)]), "poll", { stopAtFailure: false })
      expect(fallbacks).toHaveLength(1)
      expect(readable.map((e) => (e.kind === "applied" ? e.application.after : e.kind))).toEqual(["needs_review", "credited"])
      expect((await creditRows()).map((c) => c.waas_deposit_id).sort()).toEqual([String(good.id), String(readable[1].waas_deposit_id)].sort())
    })

    it("set-based means the same as one at a time: twin payments, twin deposits, the same outcomes and balances", async () => {
      await seedPool(service, "USDTERC20", 12, "twins")
      const scenario = async (tag: string) => {
        const due = [await payment(`payses_${tag}_0`, 30), await payment(`payses_${tag}_1`, 20), await payment(`payses_${tag}_2`, 50)]
        const [p0, p1, p2] = due
        const first = [depositRecord(p0, { amount: "10", status: 0, confirmations: 1 }), depositRecord(p2, { amount: "50" })]
        const later = [
          { ...first[0], status: 1, confirmations: 12 },
          depositRecord(p0, { amount: "12.5" }),
          depositRecord(p0, { amount: "7.5" }),
          depositRecord(p0, { amount: "0.000001" }),
          depositRecord(p1, { amount: "5", status: 4 }),
          depositRecord(p1, { amount: "20" }),
          { ...first[1], status: 2 },
          depositRecord(p2, { amount: "49.9" }),
          depositRecord({ address: `0xunknown${tag}`, symbol: "USDTERC20", amount_due: "1" }),
        ]
        return { due, first, later }
      }
      const one = await scenario("one")
      const page = await scenario("page")
      for (const s of [one, page]) for (const r of s.first) await service.applyDeposit(r, "callback")

      const singly: DepositApplication[] = []
      // one at a time in WaaS id order, as a page is applied
      for (const r of [...one.later].sort((a, b) => a.id - b.id)) singly.push(await service.applyDeposit(r, "poll"))
      const paged = (await service.applyDepositPage(asPulled([...page.later].reverse()), "poll", { stopAtFailure: false })).map((e) => {
        if (e.kind !== "applied") throw new Error(`not applied: ${e.waas_deposit_id}`)
        return e.application
      })
      expect(fallbacks).toEqual([])
      const paymentIndex = (s: typeof one, id: string | undefined) => s.due.findIndex((p) => p.id === id)
      const shape = (s: typeof one, a: DepositApplication) => ({
        before: a.before,
        after: a.after,
        credited_now: a.credited_now,
        events: a.events,
        review_reason: a.review_reason ? a.review_reason.replace(/wcpay_\w+/g, "wcpay") : a.review_reason,
        payment: a.payment && { ...a.payment, id: paymentIndex(s, a.payment.id), payment_session_id: null, order_id: null },
      })
      expect(paged.map((a) => shape(page, a))).toEqual(singly.map((a) => shape(one, a)))
      for (const [i, p] of one.due.entries()) {
        const fields = ({ status, amount_received, amount_pending, amount_excess }: Record<string, unknown>) => ({ status, amount_received, amount_pending, amount_excess })
        expect(fields(await service.retrieveCryptoPayment(page.due[i].id))).toEqual(fields(await service.retrieveCryptoPayment(p.id)))
      }
      const entriesOf = async (s: typeof one) =>
        (await creditRows()).filter((c) => s.due.some((p) => p.id === c.crypto_payment_id)).map((c) => [paymentIndex(s, c.crypto_payment_id), c.entry, c.amount]).sort()
      expect(await entriesOf(page)).toEqual(await entriesOf(one))
    })

    it("two callers applying overlapping pages at once never credit a deposit twice", async () => {
      await seedPool(service, "USDTERC20", 12, "overlap")
      const payments = []
      for (let i = 0; i < 12; i++) payments.push(await payment(`payses_overlap_${i}`, 10 + i))
      // two deposits per payment, so the pages also meet on payment rows, not only on deposit rows
      const records = payments.flatMap((p) => [
        depositRecord(p, { amount: new Decimal(p.amount_due).div(2).toFixed() }),
        depositRecord(p, { amount: new Decimal(p.amount_due).minus(new Decimal(p.amount_due).div(2)).toFixed() }),
      ])
      const pageA = asPulled(records.slice(0, 16)).reverse()
      const pageB = asPulled(records.slice(8))
      const pageC = asPulled(records.filter((_, i) => i % 2 === 0))
      const results = await Promise.all([pageA, pageB, pageC, pageB].map((p) => service.applyDepositPage(p, "callback", { stopAtFailure: false })))

      const all = results.flat()
      expect(all.filter((e) => e.kind !== "applied")).toEqual([])
      const creditedNow = all.filter((e) => e.kind === "applied" && e.application.credited_now).map((e) => e.waas_deposit_id)
      expect(creditedNow.sort()).toEqual(records.map((r) => String(r.id)).sort())
      const credits = await creditRows()
      expect(credits).toHaveLength(records.length)
      for (const p of payments) {
        expect(await service.retrieveCryptoPayment(p.id)).toMatchObject({ status: "paid", amount_received: p.amount_due, amount_excess: "0" })
      }
    })

    it("the inbox: a page leased in one statement, once among concurrent claimers; completed in one statement", async () => {
      const note = (id: number) => ({ side: "deposit", id, uid: 1, symbol: "USDTERC20", amount: "1", address_to: "0xabc", status: 1 }) as unknown as Notification
      const recorded = []
      for (let i = 0; i < 6; i++) recorded.push(await service.recordCallback(note(9000 + i)))
      const ids = recorded.map((r) => r.id)
      expect(await service.claimCallbacks(ids, "withdraw")).toEqual([])

      const claims = await Promise.all([ids, [...ids].reverse(), ids.slice(2)].map((page) => service.claimCallbacks(page, "deposit")))
      const leased = claims.flat().map((c) => c.id)
      expect(leased.sort()).toEqual([...ids].sort())
      expect(await service.claimCallbacks(ids, "deposit")).toEqual([])
      expect(await service.listPendingCallbacks("deposit", 10)).toEqual([])

      // a delivery that arrives during the run: its row comes back `more`, the others are done
      await service.recordCallback(note(9003))
      const seen = new Map(claims.flat().map((c) => [c.id, c.received_count]))
      const done = await service.completeCallbacks(ids.map((id) => ({ id, seenCount: seen.get(id)!, outcome: `done ${id}` })))
      expect([...done.entries()].filter(([, v]) => v.more).map(([id]) => id)).toEqual([recorded[3].id])
      expect(await service.listPendingCallbacks("deposit", 10)).toEqual([recorded[3].id])
      const rows = await service.listCallbackInboxes({ id: ids })
      for (const r of rows) expect(r).toMatchObject({ last_outcome: `done ${r.id}`, processing_until: null })
    })
  },
})
