import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import { testOptions } from "./support/fixtures"
import { seedPool } from "./support/seed"
import { depositRecord } from "./support/deposit-record"
import { recordingLogger } from "./support/logger"

jest.setTimeout(60_000)

/** addressReuse "never": an address that has served a payment is retired instead of cooled. */
const log = recordingLogger()

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions({ addressReuse: { mode: "never" }, monitoringWindowSeconds: 600 }) as unknown as Record<string, unknown>,
  testSuite: ({ service }) => {
    it("retires the address after the monitoring window", async () => {
      await seedPool(service, "USDTERC20", 2)
      const p = await service.createPaymentForSession({ session_id: "payses_n1", amount: 10, currency_code: "usd" })
      expect(new Date(p.monitor_until).getTime() - new Date(p.expires_at).getTime()).toBe(600_000)
      await service.expireStalePayments(new Date(p.expires_at))
      expect(await service.releaseCooledAddresses(new Date(p.monitor_until))).toEqual({ cooling: 0, retired: 1, available: 0 })
      const [address] = await service.listPoolAddresses({ id: p.pool_address_id })
      expect(address).toMatchObject({ status: "retired", crypto_payment_id: p.id })
      // never handed out again
      const next = await service.createPaymentForSession({ session_id: "payses_n2", amount: 10, currency_code: "usd" })
      expect(next.address).not.toBe(p.address)
    })

    it("retires every address a shopper has seen: released early, or after the window when money was on its way", async () => {
      await seedPool(service, "USDTERC20", 2)
      const paid = await service.createPaymentForSession({ session_id: "payses_n3", amount: 10, currency_code: "usd" })
      const unpaid = await service.createPaymentForSession({ session_id: "payses_n4", amount: 10, currency_code: "usd" })
      // a transfer of 4 is on chain, not confirmed yet: that payment is not released (it waits for the transfer)
      const deposit = depositRecord(paid, { amount: "4", status: 0, confirmations: 1 })
      await service.applyDeposit(deposit, "poll")
      await expect(service.releasePaymentForSession("payses_n3")).rejects.toThrow(/already detected/)
      await service.releasePaymentForSession("payses_n4")
      expect((await service.listPoolAddresses({ id: unpaid.pool_address_id }))[0].status).toBe("retired")
      expect((await service.listPoolAddresses({ id: paid.pool_address_id }))[0].status).toBe("assigned")
      // a payment still waiting for its transfer keeps the address past the window, until the transfer is final
      await service.releaseCooledAddresses(new Date(paid.monitor_until))
      expect((await service.listPoolAddresses({ id: paid.pool_address_id }))[0].status).toBe("assigned")
      // the transfer fails at the WaaS: nothing is on its way any more, so the payment expires and the address retires
      await service.applyDeposit(depositRecord(paid, { id: deposit.id, amount: "4", status: 2, confirmations: 1 }), "poll")
      expect(await service.expireStalePayments(new Date(paid.expires_at))).toEqual({ expired: 1 })
      expect(await service.releaseCooledAddresses(new Date(paid.monitor_until))).toMatchObject({ retired: 1 })
      expect((await service.listPoolAddresses({ id: paid.pool_address_id }))[0].status).toBe("retired")
    })
  },
})
