import path from "node:path"
import { asValue, createContainer } from "awilix"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { MedusaError, PaymentSessionStatus } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import { MERCHANT_KEYS, testOptions } from "../../../modules/waas/__tests__/support/fixtures"
import { seedPool } from "../../../modules/waas/__tests__/support/seed"
import WaasPaymentProvider from "../service"
import { recordingLogger } from "../../../modules/waas/__tests__/support/logger"

jest.setTimeout(60_000)

/**
 * The provider over the real module and Postgres, built the way Medusa builds it: with the payment
 * module's cradle, into which `dependencies: ["waas"]` copies the module service.
 */
const log = recordingLogger()

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, "../../../modules/waas"),
  moduleOptions: testOptions() as unknown as Record<string, unknown>,
  testSuite: ({ service }) => {
    /**
     * Medusa's payment sessions, as the payment module's own paymentSessionService (in the same cradle)
     * serves them: each session of these tests belongs to a collection of its own unless set here.
     */
    const collectionOf = new Map<string, string>()
    const paymentSessionService = {
      async retrieve(id: string) {
        if (id === "payses_unknown_to_medusa") throw new MedusaError(MedusaError.Types.NOT_FOUND, `PaymentSession with id: ${id} was not found`)
        return { id, payment_collection_id: collectionOf.get(id) ?? `paycol_of_${id}` }
      },
    }

    function provider(): WaasPaymentProvider {
      const container = createContainer()
      container.register({ [WAAS_MODULE]: asValue(service), logger: asValue(console), paymentSessionService: asValue(paymentSessionService) })
      return new WaasPaymentProvider(container.cradle as Record<string, unknown>, {})
    }

    it("initiatePayment claims the chosen coin and returns only public fields", async () => {
      await seedPool(service, "BTC", 1)
      const result = await provider().initiatePayment({
        amount: 130,
        currency_code: "usd",
        data: { session_id: "payses_p1", symbol: "BTC", storefront_note: "hi" },
        context: { idempotency_key: "payses_p1" },
      })
      const payment = await service.retrievePaymentBySession("payses_p1")
      expect(result.id).toBe(payment!.id)
      expect(result.status).toBe(PaymentSessionStatus.PENDING)
      expect(result.data).toEqual({ ...service.toPublicView(payment!) })
      expect(Object.keys(result.data!).sort()).toEqual(
        [
          "address",
          "amount_due",
          "amount_pending",
          "amount_received",
          "amount_remaining",
          "expires_at",
          "explorer_url",
          "memo",
          "network",
          "payment_uri",
          "session_id",
          "status",
          "symbol",
        ].sort(),
      )
      expect(result.data).toMatchObject({ symbol: "BTC", amount_due: "0.002", payment_uri: `bitcoin:${payment!.address}?amount=0.002` })

      // nothing secret or internal: no key material, no app id, no WaaS uid or email, no internal ids
      const [account] = await service.listWaasAccounts({})
      const text = JSON.stringify(result)
      for (const secret of [MERCHANT_KEYS.privateKey, MERCHANT_KEYS.privateKey.slice(40, 80), testOptions().appId, account.email, account.uid!, account.id, payment!.pool_address_id]) {
        expect(text).not.toContain(secret)
      }
    })

    it("uses the default coin when the storefront chose none, and rejects an unknown one", async () => {
      await seedPool(service, "USDTERC20", 1)
      const result = await provider().initiatePayment({ amount: 20, currency_code: "usd", data: { session_id: "payses_p2" } })
      expect(result.data).toMatchObject({ symbol: "USDTERC20", amount_due: "20" })
      await expect(
        provider().initiatePayment({ amount: 20, currency_code: "usd", data: { session_id: "payses_p3", symbol: "XMR" } }),
      ).rejects.toThrow('unknown or disabled coin "XMR"; this store accepts BTC, ETH, USDTERC20')
      expect(await service.retrievePaymentBySession("payses_p3")).toBeNull()
    })

    it("authorizePayment asks the module, never the session data", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = provider()
      const { data } = await p.initiatePayment({ amount: 20, currency_code: "usd", data: { session_id: "payses_auth" } })
      // a storefront can write anything into session data; it must not count as proof of payment
      const forged = { ...data, status: "paid", amount_received: "20", amount_remaining: "0" }
      const result = await p.authorizePayment({ data: forged, context: { idempotency_key: "payses_auth" } })
      expect(result.status).toBe(PaymentSessionStatus.PENDING_AUTHORIZATION)
      expect(result.data).toMatchObject({ status: "awaiting_payment", amount_received: "0" })
      expect((await p.getPaymentStatus({ data: forged })).status).toBe(PaymentSessionStatus.PENDING_AUTHORIZATION)
      await expect(p.authorizePayment({ data: { session_id: "payses_unknown" } })).rejects.toThrow(
        "no crypto payment for payment session payses_unknown",
      )
    })

    it("authorizePayment reports an expired quote as an error, so the cart cannot complete on it", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = provider()
      const { data } = await p.initiatePayment({ amount: 20, currency_code: "usd", data: { session_id: "payses_exp" } })
      const payment = await service.retrievePaymentBySession("payses_exp")
      await service.expireStalePayments(new Date(new Date(payment!.expires_at).getTime() + 1))
      expect((await p.authorizePayment({ data })).status).toBe(PaymentSessionStatus.ERROR)
      // re-quoting (updatePayment) revives it
      const updated = await p.updatePayment({ data, amount: 20, currency_code: "usd" })
      expect(updated.data).toMatchObject({ status: "awaiting_payment" })
      expect((await p.authorizePayment({ data: updated.data })).status).toBe(PaymentSessionStatus.PENDING_AUTHORIZATION)
    })

    it("updatePayment keeps an unchanged quote and re-quotes a new amount or coin", async () => {
      await seedPool(service, "USDTERC20", 1)
      await seedPool(service, "ETH", 1)
      const p = provider()
      const first = await p.initiatePayment({ amount: "30.00", currency_code: "usd", data: { session_id: "payses_up" } })
      const same = await p.updatePayment({ data: first.data, amount: 30, currency_code: "USD" })
      expect(same.data).toEqual(first.data)

      const more = await p.updatePayment({ data: first.data, amount: 45, currency_code: "usd" })
      expect(more.data).toMatchObject({ amount_due: "45", address: first.data!.address })

      const eth = await p.updatePayment({ data: { ...more.data, symbol: "ETH" }, amount: 45, currency_code: "usd" })
      expect(eth.data).toMatchObject({ symbol: "ETH", amount_due: "0.015" })
      expect(eth.data!.address).not.toBe(first.data!.address)
      // the USDT address the shopper saw is let go, but kept out of the pool until that quote's window closes
      const [old] = await service.listPoolAddresses({ address: first.data!.address as string, symbol: "USDTERC20" })
      expect(old).toMatchObject({ status: "cooling" })
    })

    it("deletePayment and cancelPayment release the address; deleting twice is harmless", async () => {
      await seedPool(service, "USDTERC20", 2)
      const p = provider()
      const a = await p.initiatePayment({ amount: 5, currency_code: "usd", data: { session_id: "payses_del" } })
      await p.deletePayment({ data: a.data })
      await p.deletePayment({ data: a.data })
      expect((await service.retrievePaymentBySession("payses_del"))?.status).toBe("canceled")

      const b = await p.initiatePayment({ amount: 5, currency_code: "usd", data: { session_id: "payses_cancel" } })
      await p.cancelPayment({ data: b.data })
      expect((await service.retrievePaymentBySession("payses_cancel"))?.status).toBe("canceled")
      // both addresses left their payments; they cool until their quotes' monitoring windows close
      expect(await service.listPoolAddresses({ status: "assigned" })).toHaveLength(0)
      expect(await service.listPoolAddresses({ status: "cooling" })).toHaveLength(2)
      // Medusa's cleanup path may pass data without our session id: nothing to release, no error
      await expect(p.deletePayment({ data: { symbol: "BTC" } })).resolves.toEqual({ data: { symbol: "BTC" } })
    })

    it("initiatePayment takes the cart from Medusa's session row, never from the storefront's data", async () => {
      await seedPool(service, "USDTERC20", 3)
      collectionOf.set("payses_cart1", "paycol_cart")
      collectionOf.set("payses_cart2", "paycol_cart")
      const p = provider()
      const first = await p.initiatePayment({ amount: 5, currency_code: "usd", data: { session_id: "payses_cart1" } })
      // a second session of the same cart shows the cart's address
      const second = await p.initiatePayment({ amount: 5, currency_code: "usd", data: { session_id: "payses_cart2" } })
      expect(second.data!.address).toBe(first.data!.address)
      expect((await service.retrievePaymentBySession("payses_cart2"))?.payment_collection_id).toBe("paycol_cart")
      // a storefront naming the cart in its data changes nothing: that session is still a cart of its own
      const other = await p.initiatePayment({
        amount: 5,
        currency_code: "usd",
        data: { session_id: "payses_cart3", payment_collection_id: "paycol_cart" },
      })
      expect(other.data!.address).not.toBe(first.data!.address)
      // a session Medusa does not know gets nothing
      await expect(
        p.initiatePayment({ amount: 5, currency_code: "usd", data: { session_id: "payses_unknown_to_medusa" } }),
      ).rejects.toThrow("was not found")
      expect(await service.retrievePaymentBySession("payses_unknown_to_medusa")).toBeNull()
    })

    it("retrievePayment returns the public view", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = provider()
      const a = await p.initiatePayment({ amount: 5, currency_code: "usd", data: { session_id: "payses_ret" } })
      expect(await p.retrievePayment({ data: a.data })).toEqual({ data: a.data })
    })
  },
})
