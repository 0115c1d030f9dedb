import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import type { CryptoPaymentDTO } from "../types"
import { testOptions } from "./support/fixtures"
import { recordingLogger } from "./support/logger"
import { plannedSimulator } from "./support/simulator"

jest.setTimeout(90_000)

/**
 * An admin's decisions on the review queue move money, so they act on what the WaaS says at the moment of the
 * decision: the module re-reads the deposit with depositList (the real simulator here) and credits or refunds it
 * only if the WaaS reports it successful. The same ledger rules as every credit apply on top.
 */
const waas = plannedSimulator()
const SYMBOL = "USDTERC20"
const log = recordingLogger()

beforeAll(async () => {
  await waas.start()
})
afterAll(async () => {
  await waas.stop()
})

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions({ waasHost: waas.url, waasPublicKey: waas.walletPublicKey, underpaymentTolerance: "0" }) as unknown as Record<
    string,
    unknown
  >,
  testSuite: ({ service }) => {
    const payment = (session: string) => service.createPaymentForSession({ session_id: session, amount: 25, currency_code: "usd", symbol: SYMBOL })

    /** a confirmed transfer at the WaaS, pulled back and applied as the deposit path does */
    async function transfer(address: string, amount: string) {
      const d = waas.sim.control.chainDeposit({ address, amount, symbol: SYMBOL })
      waas.sim.control.confirmDeposit(d.id, d.requiredConfirmations)
      const pulled = await service.pullDeposit(String(d.id))
      if (pulled?.kind !== "record") throw new Error(`deposit ${d.id} did not read back`)
      return { waasId: d.id, application: await service.applyDeposit(pulled.record, "poll") }
    }

    async function expireQuote(p: CryptoPaymentDTO) {
      const now = Date.now()
      await service.updateCryptoPayments({ id: p.id, expires_at: new Date(now - 10 * 60_000), monitor_until: new Date(now + 50 * 60_000) })
    }

    async function ledger(paymentId: string) {
      const [p] = await service.listCryptoPayments({ id: paymentId })
      const entries = await service.listDepositCredits({ crypto_payment_id: paymentId })
      return { status: p.status, received: p.amount_received, entries: entries.length }
    }

    beforeEach(async () => {
      await service.refillPool({ symbols: [SYMBOL] })
    })

    it("attach credits an orphan once, with the WaaS's own figures", async () => {
      const p = await payment("payses_attach")
      const [free] = await service.listPoolAddresses({ symbol: SYMBOL, status: "available" }, { take: 1 })
      const { application: stray } = await transfer(free.address, p.amount_due)
      expect(stray).toMatchObject({ after: "orphaned" })

      const attached = await service.attachDeposit({ deposit_id: stray.deposit_id, crypto_payment_id: p.id, actor: "user_1", note: null })
      expect(attached).toMatchObject({ after: "credited", credited_now: true, payment: { after: "paid", amount_received: p.amount_due } })
      await expect(
        service.attachDeposit({ deposit_id: stray.deposit_id, crypto_payment_id: p.id, actor: "user_1", note: null }),
      ).rejects.toThrow(`deposit ${stray.deposit_id} is credited; only held, orphaned or needs_review deposits wait for an admin's decision`)
      expect(await ledger(p.id)).toEqual({ status: "paid", received: p.amount_due, entries: 1 })
    })

    it("a held deposit the WaaS has since marked failed can be neither attached nor refunded; nothing changes", async () => {
      const p = await payment("payses_gone")
      await expireQuote(p)
      const { waasId, application: held } = await transfer(p.address, p.amount_due)
      expect(held).toMatchObject({ after: "held", payment: { after: "late_held" } })

      waas.sim.control.reverseDeposit(waasId)
      const before = await ledger(p.id)
      await expect(service.attachDeposit({ deposit_id: held.deposit_id, crypto_payment_id: null, actor: "user_1", note: null })).rejects.toThrow(
        `deposit ${held.deposit_id} cannot be attached: the WaaS reports status 2 (failed) for it, and only a deposit it reports successful (1) has arrived; nothing was changed`,
      )
      await expect(service.markDepositForRefund({ deposit_id: held.deposit_id, actor: "user_1", note: null })).rejects.toThrow(
        /^deposit wdep_\w+ cannot be marked for refund: the WaaS reports status 2 \(failed\)/,
      )
      expect(await ledger(p.id)).toEqual(before)
      const [row] = await service.listDeposits({ id: held.deposit_id })
      expect(row).toMatchObject({ status: "held", resolution: null, waas_status: 1 })

      // the next application of the WaaS's record (its callback, the poller's re-read) moves it on: no decision left
      const pulled = await service.pullDeposit(String(waasId))
      if (pulled?.kind !== "record") throw new Error("no record")
      expect(await service.applyDeposit(pulled.record, "poll")).toMatchObject({ before: "held", after: "failed", payment: { before: "late_held" } })
      expect((await ledger(p.id)).status).not.toBe("late_held")
    })

    it("the WaaS unreachable at the moment of a decision: refused, nothing changes", async () => {
      const p = await payment("payses_down")
      await expireQuote(p)
      const { application: held } = await transfer(p.address, p.amount_due)
      waas.sim.control.setFaults({ endpoints: { depositList: { httpStatus: { status: 503 } } } })
      try {
        await expect(service.attachDeposit({ deposit_id: held.deposit_id, crypto_payment_id: null, actor: null, note: null })).rejects.toThrow(
          /could not be re-read from the WaaS .*; nothing was changed$/,
        )
      } finally {
        waas.sim.control.clearFaults()
      }
      expect(await ledger(p.id)).toMatchObject({ status: "late_held", entries: 0 })
    })

    it("a held deposit the WaaS still reports successful: refunding it releases the payment", async () => {
      const p = await payment("payses_refund")
      await expireQuote(p)
      const { application: held } = await transfer(p.address, p.amount_due)
      const refunded = await service.markDepositForRefund({ deposit_id: held.deposit_id, actor: "user_1", note: "asked for it back" })
      expect(refunded).toMatchObject({ after: "refund_pending", payment: { before: "late_held", after: "expired" } })
      expect(await ledger(p.id)).toMatchObject({ entries: 0 })
    })
  },
})
