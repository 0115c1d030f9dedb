import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import { depositRecord } from "./support/deposit-record"
import { testOptions } from "./support/fixtures"
import { recordingLogger } from "./support/logger"
import { seedPool } from "./support/seed"

jest.setTimeout(60_000)

/**
 * The WaaS's clock and the store's differ a little: a prompt transfer can carry a WaaS time from before the moment
 * its payment took the address. A grace (depositClockGraceSeconds, 5 minutes by default) covers that, but never
 * reaches back into the previous holder's time: not before the address's previous quarantine ended.
 */
const log = recordingLogger()
const MINUTE = 60_000

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions({ underpaymentTolerance: "0" }) as unknown as Record<string, unknown>,
  testSuite: ({ service }) => {
    const payment = (session: string) => service.createPaymentForSession({ session_id: session, amount: 25, currency_code: "usd" })
    const assignedAt = (p: { address_assigned_at?: Date | string | null }) => new Date(p.address_assigned_at!).getTime()

    it("a deposit the WaaS dates 2 minutes before its payment took a fresh address is credited to that payment", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = await payment("payses_skew")
      const applied = await service.applyDeposit(depositRecord(p, { created_at: assignedAt(p) - 2 * MINUTE }), "callback")
      expect(applied).toMatchObject({ after: "credited", payment: { id: p.id, after: "paid" } })
      expect(await service.retrieveCryptoPayment(p.id)).toMatchObject({ status: "paid", amount_received: "25" })
    })

    it("a reused address: inside the grace but after the previous quarantine ended is the new payment's; before that, never", async () => {
      const [address] = await seedPool(service, "USDTERC20", 1)
      const first = await payment("payses_first")
      await service.releasePaymentForSession("payses_first")
      const [row] = await service.listPoolAddresses({ address })
      expect(row.status).toBe("cooling")
      // its quarantine ended 3 minutes ago by the store's clock
      const quarantineEnd = Date.now() - 3 * MINUTE
      await service.updatePoolAddresses({ id: row.id, cooling_until: new Date(quarantineEnd) })
      expect(await service.releaseCooledAddresses(new Date())).toMatchObject({ available: 1 })
      const second = await payment("payses_second")
      expect(second.address).toBe(address)

      // 2 minutes before the claim, after the quarantine ended: the new shopper's transfer, dated by a slow WaaS clock
      const inGrace = await service.applyDeposit(depositRecord(second, { created_at: assignedAt(second) - 2 * MINUTE }), "poll")
      expect(inGrace).toMatchObject({ after: "credited", payment: { id: second.id } })

      // inside the 5-minute grace, but from before the quarantine ended: the previous holder's time, never the new one's
      const older = await service.applyDeposit(depositRecord(second, { created_at: quarantineEnd - MINUTE, amount: "1" }), "poll")
      expect(older).toMatchObject({ after: "orphaned", payment: null })
      const [orphan] = await service.listDeposits({ id: older.deposit_id })
      expect(orphan).toMatchObject({ orphan_reason: "payment_canceled", crypto_payment_id: first.id })
      expect((await service.listDepositCredits({ crypto_payment_id: second.id })).map((c) => c.waas_deposit_id)).toEqual([
        inGrace.waas_deposit_id,
      ])
    })
  },
})
