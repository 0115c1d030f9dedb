import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import { testOptions } from "./support/fixtures"
import { seedPool } from "./support/seed"
import { recordingLogger } from "./support/logger"

jest.setTimeout(60_000)

/** What the database and the service refuse, whoever the caller is. */
const log = recordingLogger()

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions() as unknown as Record<string, unknown>,
  testSuite: ({ service }) => {
    async function account(email: string) {
      return service.createWaasAccounts({ email, symbol: "BTC", uid: null, status: "pending_registration" as const })
    }

    it("statuses change only through the lifecycle methods, in every input form of the generated updates", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = await service.createPaymentForSession({ session_id: "payses_inv", amount: 10, currency_code: "usd" })
      const refused = /crypto payment status changes only through the waas module's lifecycle methods/
      await expect(service.updateCryptoPayments({ id: p.id, status: "paid" })).rejects.toThrow(refused)
      await expect(service.updateCryptoPayments([{ id: p.id, status: "paid" }])).rejects.toThrow(refused)
      await expect(service.updateCryptoPayments({ selector: { id: p.id }, data: { status: "paid" } })).rejects.toThrow(refused)
      await expect(service.updatePoolAddresses({ id: p.pool_address_id, status: "available" })).rejects.toThrow(
        /pool address status changes only through/,
      )
      await expect(service.updateWaasAccounts({ selector: {}, data: { status: "provisioned" } })).rejects.toThrow(
        /waas account status changes only through/,
      )
      expect((await service.retrievePaymentBySession("payses_inv"))?.status).toBe("awaiting_payment")
      // the amounts are the deposit ledger's: derived, never written by hand
      for (const field of ["amount_received", "amount_pending", "amount_excess"]) {
        await expect(service.updateCryptoPayments({ id: p.id, [field]: "2.5" })).rejects.toThrow(
          `crypto payment ${field} is derived from the deposit ledger and changes only when a deposit is applied`,
        )
      }
      // other columns still update
      const updated = await service.updateCryptoPayments({ id: p.id, order_id: "order_inv" })
      expect(updated.order_id).toBe("order_inv")
    })

    it("an address can only be assigned together with its payment, and only available when free", async () => {
      const a = await account("a@waas-pool.invalid")
      await expect(
        service.createPoolAddresses({ symbol: "BTC", address: "bc1qcheck1", uid: "1", account_id: a.id, status: "assigned" as const }),
      ).rejects.toThrow(/chk_waas_pool_address_assigned_has_payment/)
      await expect(
        service.createPoolAddresses({
          symbol: "BTC",
          address: "bc1qcheck2",
          uid: "1",
          account_id: a.id,
          status: "available" as const,
          crypto_payment_id: "wcpay_x",
        }),
      ).rejects.toThrow(/chk_waas_pool_address_available_is_free/)
    })

    it("an address string is unique per symbol, an account has one address, a payment holds one address", async () => {
      const [a, b, c] = [await account("a@x.invalid"), await account("b@x.invalid"), await account("c@x.invalid")]
      await service.createPoolAddresses({ symbol: "BTC", address: "bc1qsame", uid: "1", account_id: a.id, status: "available" as const })
      await expect(
        service.createPoolAddresses({ symbol: "BTC", address: "bc1qsame", uid: "2", account_id: b.id, status: "available" as const }),
      ).rejects.toThrow()
      await expect(
        service.createPoolAddresses({ symbol: "BTC", address: "bc1qother", uid: "1", account_id: a.id, status: "available" as const }),
      ).rejects.toThrow()
      await service.createPoolAddresses({
        symbol: "BTC", address: "bc1qheld1", uid: "2", account_id: b.id, status: "assigned" as const, crypto_payment_id: "wcpay_one",
      })
      await expect(
        service.createPoolAddresses({
          symbol: "BTC", address: "bc1qheld2", uid: "3", account_id: c.id, status: "assigned" as const, crypto_payment_id: "wcpay_one",
        }),
      ).rejects.toThrow()
      expect(await service.listPoolAddresses({})).toHaveLength(2)
    })

    it("synthetic emails and uids are unique; a session has one payment", async () => {
      await account("dup@waas-pool.invalid")
      await expect(account("dup@waas-pool.invalid")).rejects.toThrow()
      await service.createWaasAccounts({ email: "u1@x.invalid", symbol: "BTC", uid: "777", status: "registered" as const })
      await expect(
        service.createWaasAccounts({ email: "u2@x.invalid", symbol: "ETH", uid: "777", status: "registered" as const }),
      ).rejects.toThrow()

      await seedPool(service, "USDTERC20", 2)
      const p = await service.createPaymentForSession({ session_id: "payses_one", amount: 1, currency_code: "usd" })
      const { id: _id, created_at: _c, updated_at: _u, deleted_at: _d, ...copy } = p
      await expect(service.createCryptoPayments({ ...copy, pool_address_id: "other" } as never)).rejects.toThrow()
    })
  },
})
