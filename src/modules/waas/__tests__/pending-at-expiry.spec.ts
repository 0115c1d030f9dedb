import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import { seedPool } from "./support/seed"
import { depositRecord } from "./support/deposit-record"
import { testOptions } from "./support/fixtures"
import { recordingLogger } from "./support/logger"

jest.setTimeout(60_000)

const log = recordingLogger()

/**
 * Issue 7, defect 5: a transfer made before the quote expired but still confirming when it expires. The
 * payment must not expire, must not be replaced or canceled by a new session (the shopper would be asked
 * to pay again and the first transfer orphaned), and is paid once the transfer is final.
 */
moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions() as unknown as Record<string, unknown>,
  testSuite: ({ service }) => {
    async function confirmingAtExpiry(session_id: string) {
      await seedPool(service, "USDTERC20", 1)
      const p = await service.createPaymentForSession({ session_id, amount: 10, currency_code: "usd" })
      const expiresAt = new Date(p.expires_at).getTime()
      // seen by the WaaS one minute before expiry, 3 of 12 confirmations (WaaS status 0)
      const seen = depositRecord(p, { status: 0, confirmations: 3, created_at: expiresAt - 60_000, updated_at: expiresAt - 60_000 })
      await service.applyDeposit(seen, "callback")
      return { p, expiresAt, seen }
    }

    it("does not expire while a transfer seen before expiry is confirming, and the view says so", async () => {
      const { expiresAt } = await confirmingAtExpiry("payses_confirming")
      expect(await service.expireStalePayments(new Date(expiresAt + 1))).toEqual({ expired: 0 })
      const p = await service.retrievePaymentBySession("payses_confirming")
      expect(p).toMatchObject({ status: "awaiting_payment", amount_pending: "10", amount_received: "0" })
      expect(service.toPublicView(p!)).toMatchObject({
        status: "awaiting_payment",
        payment_detected: true,
        message: "Payment detected, waiting for confirmations",
        amount_pending: "10",
      })
    })

    it("is paid when the transfer is final after expiry: judged by when it was made", async () => {
      const { expiresAt, seen } = await confirmingAtExpiry("payses_final_late")
      await service.expireStalePayments(new Date(expiresAt + 1))
      const final = { ...seen, status: 1, confirmations: 12, updated_at: expiresAt + 10 * 60_000 }
      const applied = await service.applyDeposit(final, "poll")
      expect(applied).toMatchObject({ before: "pending", after: "credited", credited_now: true })
      const [deposit] = await service.listDeposits({ waas_deposit_id: String(seen.id) })
      expect(deposit).toMatchObject({ status: "credited", timing: "on_time" })
      const p = await service.retrievePaymentBySession("payses_final_late")
      expect(p).toMatchObject({ status: "paid", amount_received: "10", amount_pending: "0" })
      expect(service.toPublicView(p!)).toMatchObject({ payment_detected: false, message: "Paid" })
    })

    it("cannot be canceled or replaced by a new session while the money is on its way", async () => {
      const { p } = await confirmingAtExpiry("payses_keep")
      await expect(service.releasePaymentForSession("payses_keep")).rejects.toThrow(
        /a payment was already detected for this cart and is waiting for confirmations/,
      )
      expect(await service.retrievePaymentBySession("payses_keep")).toMatchObject({ status: "awaiting_payment", amount_pending: "10" })
      const [address] = await service.listPoolAddresses({ id: p.pool_address_id })
      expect(address).toMatchObject({ status: "assigned", crypto_payment_id: p.id })
    })

    it("an underpaid payment is kept too: the shopper tops it up rather than paying again", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = await service.createPaymentForSession({ session_id: "payses_part", amount: 10, currency_code: "usd" })
      await service.applyDeposit(depositRecord(p, { amount: "4" }), "callback")
      await expect(service.releasePaymentForSession("payses_part")).rejects.toThrow(/already detected/)
      expect(await service.retrievePaymentBySession("payses_part")).toMatchObject({ status: "underpaid", amount_received: "4" })
    })

    it("a payment nothing has arrived for still expires and can still be released", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = await service.createPaymentForSession({ session_id: "payses_idle", amount: 10, currency_code: "usd" })
      expect(await service.expireStalePayments(new Date(new Date(p.expires_at).getTime() + 1))).toEqual({ expired: 1 })
      await service.releasePaymentForSession("payses_idle")
      expect((await service.retrievePaymentBySession("payses_idle"))?.status).toBe("canceled")
    })
  },
})
