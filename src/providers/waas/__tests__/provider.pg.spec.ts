import path from "node:path"
import { asValue, createContainer } from "awilix"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { MedusaError, PaymentSessionStatus } from "@medusajs/framework/utils"
import { WAAS_MODULE } from "../../../modules/waas"
import type WaasModuleService from "../../../modules/waas/service"
import { MERCHANT_KEYS, testOptions } from "../../../modules/waas/__tests__/support/fixtures"
import { seedPool } from "../../../modules/waas/__tests__/support/seed"
import { depositRecord } from "../../../modules/waas/__tests__/support/deposit-record"
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
    // the payment module's logger, as the provider finds it in its container: refusals are logged there
    const providerLog = recordingLogger()
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
      container.register({ [WAAS_MODULE]: asValue(service), logger: asValue(providerLog.logger), paymentSessionService: asValue(paymentSessionService) })
      return new WaasPaymentProvider(container.cradle as Record<string, unknown>, {})
    }
    beforeEach(() => providerLog.clear())

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
      // the public view, and the session's binding (stored with the payment, 256 random bits, in no view)
      expect(payment!.session_binding).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(result.data).toEqual({ ...service.toPublicView(payment!), session_binding: payment!.session_binding })
      expect(JSON.stringify(service.toPublicView(payment!))).not.toContain(payment!.session_binding)
      expect(Object.keys(result.data!).sort()).toEqual(
        [
          "address",
          "session_binding",
          "amount_due",
          "amount_pending",
          "amount_received",
          "amount_remaining",
          "message",
          "payment_detected",
          "expires_at",
          "explorer_url",
          "memo",
          "network",
          "payment_uri",
          "remaining_payment_uri",
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

    it("a paid payment is authorized, and captured only while the module still says paid", async () => {
      await seedPool(service, "USDTERC20", 2)
      const p = provider()
      const { data } = await p.initiatePayment({ amount: 20, currency_code: "usd", data: { session_id: "payses_cap" } })
      // not paid yet: Medusa's capture is refused, naming the payment's status
      await expect(p.capturePayment({ data })).rejects.toMatchObject({
        type: MedusaError.Types.NOT_ALLOWED,
        message: expect.stringContaining("is awaiting_payment; only a paid crypto payment is captured"),
      })
      const payment = await service.retrievePaymentBySession("payses_cap")
      await service.applyDeposit(depositRecord(payment!), "poll")
      // paid: Medusa records an authorized Payment (its capture step captures it), with the payment's public data
      const authorized = await p.authorizePayment({ data, context: { idempotency_key: "payses_cap" } })
      expect(authorized.status).toBe(PaymentSessionStatus.AUTHORIZED)
      expect(authorized.data).toMatchObject({ session_id: "payses_cap", status: "paid", amount_remaining: "0" })
      expect((await p.capturePayment({ data: authorized.data })).data).toMatchObject({ session_id: "payses_cap", status: "paid" })
      // data without the session's binding is refused like every call that gets data alone
      await expect(p.capturePayment({ data: { session_id: "payses_cap" } })).rejects.toMatchObject({ type: MedusaError.Types.NOT_ALLOWED })

      // a reversal after authorization: the capture is refused again
      const { data: second } = await p.initiatePayment({ amount: 20, currency_code: "usd", data: { session_id: "payses_rev" } })
      const other = await service.retrievePaymentBySession("payses_rev")
      const record = depositRecord(other!)
      await service.applyDeposit(record, "poll")
      expect((await p.authorizePayment({ data: second, context: { idempotency_key: "payses_rev" } })).status).toBe(PaymentSessionStatus.AUTHORIZED)
      await service.applyDeposit({ ...record, status: 2, updated_at: Number(record.updated_at) + 1000 }, "poll")
      expect((await service.retrievePaymentBySession("payses_rev"))?.status).toBe("reversed")
      await expect(p.capturePayment({ data: second })).rejects.toMatchObject({
        type: MedusaError.Types.NOT_ALLOWED,
        message: expect.stringContaining("is reversed; only a paid crypto payment is captured"),
      })
    })

    it("authorizePayment reports an expired quote as an error, so the cart cannot complete on it", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = provider()
      const { data } = await p.initiatePayment({ amount: 20, currency_code: "usd", data: { session_id: "payses_exp" } })
      const payment = await service.retrievePaymentBySession("payses_exp")
      await service.expireStalePayments(new Date(new Date(payment!.expires_at).getTime() + 1))
      expect((await p.authorizePayment({ data })).status).toBe(PaymentSessionStatus.ERROR)
      // nothing revives it in place: updatePayment refuses (the storefront starts a new payment session)
      await expect(p.updatePayment({ data, amount: 20, currency_code: "usd" })).resolves.toMatchObject({ data: { status: "expired" } })
    })

    it("updatePayment (never called by Medusa 2.21) changes no quote: the same one comes back, a change is refused", async () => {
      await seedPool(service, "USDTERC20", 1)
      const p = provider()
      const first = await p.initiatePayment({ amount: "30.00", currency_code: "usd", data: { session_id: "payses_up" } })
      const same = await p.updatePayment({ data: first.data, amount: 30, currency_code: "USD" })
      expect(same).toEqual({ data: first.data })

      for (const change of [
        { data: first.data, amount: 45, currency_code: "usd" },
        { data: first.data, amount: 30, currency_code: "eur" },
        { data: { ...first.data, symbol: "ETH" }, amount: 30, currency_code: "usd" },
      ]) {
        await expect(p.updatePayment(change)).rejects.toMatchObject({
          type: MedusaError.Types.NOT_ALLOWED,
          message: expect.stringContaining("start a new payment session (POST /store/payment-collections/:id/payment-sessions)"),
        })
      }
      const stored = await service.retrievePaymentBySession("payses_up")
      expect(stored).toMatchObject({ amount_due: "30", symbol: "USDTERC20", address: first.data!.address })
      // like every call that gets data alone, it needs the session's binding
      await expect(p.updatePayment({ data: { session_id: "payses_up" }, amount: 30, currency_code: "usd" })).rejects.toMatchObject({
        type: MedusaError.Types.NOT_ALLOWED,
      })
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

    describe("data naming another shopper's session", () => {
      /** the victim's payment, and an attacker's own session data (whose binding is the attacker's) */
      async function twoShoppers() {
        await seedPool(service, "USDTERC20", 2)
        const p = provider()
        const victim = await p.initiatePayment({ amount: 5, currency_code: "usd", data: { session_id: "payses_victim" } })
        const attacker = await p.initiatePayment({ amount: 5, currency_code: "usd", data: { session_id: "payses_attacker" } })
        providerLog.clear()
        return { p, victim: victim.data!, attacker: attacker.data! }
      }
      const victimStatus = async () => (await service.retrievePaymentBySession("payses_victim"))?.status

      it("deletePayment and cancelPayment refuse it, log it, and release nothing", async () => {
        const { p, victim, attacker } = await twoShoppers()
        const forgeries: Array<Record<string, unknown>> = [
          // what a storefront posts: the victim's id, no binding (Medusa's cleanup hands it over as is)
          { session_id: "payses_victim", symbol: "USDTERC20" },
          // the victim's public view (anyone with the session id can read it), still no binding
          { ...victim, session_binding: undefined },
          // the attacker's own, valid binding, under the victim's id
          { ...attacker, session_id: "payses_victim" },
          { session_id: "payses_victim", session_binding: "x".repeat(43) },
        ]
        for (const data of forgeries) {
          await expect(p.deletePayment({ data })).resolves.toEqual({ data })
          await expect(p.cancelPayment({ data, context: { idempotency_key: "pay_123" } })).resolves.toEqual({ data })
        }
        expect(await victimStatus()).toBe("awaiting_payment")
        const [address] = await service.listPoolAddresses({ address: victim.address as string, symbol: "USDTERC20" })
        expect(address).toMatchObject({ status: "assigned" })

        expect(providerLog.lines.warn).toHaveLength(forgeries.length * 2)
        expect(providerLog.lines.warn[0]).toBe(
          "medusa-plugin-waas: deletePayment refused: its data names payment session payses_victim without that session's " +
            "binding (the data did not come from this provider); that session's crypto payment was not touched",
        )
        expect(providerLog.lines.warn[5]).toContain("cancelPayment refused: its data names payment session payses_victim with a binding that is not that session's")
        // the log never carries a binding
        for (const line of providerLog.lines.warn) {
          expect(line).not.toContain(String(attacker.session_binding))
          expect(line).not.toContain(String(victim.session_binding))
        }

        // malformed data (a storefront's, never this provider's) is refused the same way, not thrown at Medusa
        providerLog.clear()
        await expect(p.deletePayment({ data: { session_id: 42 } })).resolves.toEqual({ data: { session_id: 42 } })
        expect(providerLog.lines.warn).toEqual([
          "medusa-plugin-waas: deletePayment refused: its data has a malformed session_id, session_binding or symbol; nothing was touched",
        ])

        // the attacker's own data still releases the attacker's own payment
        await p.deletePayment({ data: attacker })
        expect((await service.retrievePaymentBySession("payses_attacker"))?.status).toBe("canceled")
        expect(await victimStatus()).toBe("awaiting_payment")
      })

      it("authorizePayment goes by the session Medusa names, and refuses data naming another", async () => {
        const { p, victim } = await twoShoppers()
        const error = await p
          .authorizePayment({ data: { ...victim }, context: { idempotency_key: "payses_attacker" } })
          .catch((e: unknown) => e)
        expect(error).toMatchObject({
          type: MedusaError.Types.NOT_ALLOWED,
          message: expect.stringContaining(
            "authorizePayment refused: its data names payment session payses_victim while Medusa is operating on payment session payses_attacker",
          ),
        })
        expect(providerLog.lines.warn).toHaveLength(1)
        // Medusa's session decides, whatever else the data says
        const own = await p.authorizePayment({ data: { symbol: "BTC" }, context: { idempotency_key: "payses_attacker" } })
        expect(own.data).toMatchObject({ session_id: "payses_attacker" })
      })

      it("initiatePayment refuses an idempotency key and a session id that disagree", async () => {
        const { p } = await twoShoppers()
        await expect(
          p.initiatePayment({ amount: 5, currency_code: "usd", data: { session_id: "payses_victim" }, context: { idempotency_key: "payses_new" } }),
        ).rejects.toMatchObject({ type: MedusaError.Types.NOT_ALLOWED })
        expect(await service.retrievePaymentBySession("payses_new")).toBeNull()
        expect(providerLog.lines.warn).toHaveLength(1)
      })

      it("getPaymentStatus and retrievePayment need the binding too", async () => {
        const { p, victim } = await twoShoppers()
        const bare = { session_id: "payses_victim" }
        await expect(p.getPaymentStatus({ data: bare })).rejects.toMatchObject({ type: MedusaError.Types.NOT_ALLOWED })
        await expect(p.retrievePayment({ data: bare })).rejects.toMatchObject({ type: MedusaError.Types.NOT_ALLOWED })
        expect((await p.getPaymentStatus({ data: victim })).status).toBe(PaymentSessionStatus.PENDING_AUTHORIZATION)
        // an unknown session is simply not found, with or without a binding
        await expect(p.retrievePayment({ data: { session_id: "payses_nobody" } })).rejects.toThrow(
          "no crypto payment for payment session payses_nobody",
        )
      })

      it("a payment stored without a binding (made before bindings existed) is never acted on from data alone", async () => {
        const { p, victim } = await twoShoppers()
        const legacy = await service.retrievePaymentBySession("payses_victim")
        await service.updateCryptoPayments({ id: legacy!.id, session_binding: null })
        await p.deletePayment({ data: victim })
        expect(await victimStatus()).toBe("awaiting_payment")
        expect(providerLog.lines.warn[0]).toContain("with a binding that is not that session's")
        // Medusa's authorize still finds it by its own session id
        expect((await p.authorizePayment({ data: victim, context: { idempotency_key: "payses_victim" } })).status).toBe(
          PaymentSessionStatus.PENDING_AUTHORIZATION,
        )
      })
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
