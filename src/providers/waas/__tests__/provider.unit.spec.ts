import { createContainer } from "awilix"
import { MedusaError, PaymentActions, PaymentSessionStatus } from "@medusajs/framework/utils"
import { CRYPTO_PAYMENT_STATUSES } from "../../../modules/waas/checkout/payment-states"
import { testOptions } from "../../../modules/waas/__tests__/support/fixtures"
import WaasPaymentProvider from "../service"
import { sessionStatusFor } from "../status-map"

describe("status mapping", () => {
  it("maps every crypto payment status; only paid states authorize (Medusa's capture step then captures)", () => {
    const mapped = Object.fromEntries(CRYPTO_PAYMENT_STATUSES.map((s) => [s, sessionStatusFor(s)]))
    expect(mapped).toEqual({
      awaiting_payment: PaymentSessionStatus.PENDING_AUTHORIZATION,
      underpaid: PaymentSessionStatus.PENDING_AUTHORIZATION,
      late_held: PaymentSessionStatus.PENDING_AUTHORIZATION,
      reversed: PaymentSessionStatus.PENDING_AUTHORIZATION,
      paid: PaymentSessionStatus.AUTHORIZED,
      overpaid: PaymentSessionStatus.AUTHORIZED,
      expired: PaymentSessionStatus.ERROR,
      canceled: PaymentSessionStatus.CANCELED,
    })
  })
})

describe("validateOptions", () => {
  it("accepts no options (the module holds them) and valid plugin options", () => {
    expect(() => WaasPaymentProvider.validateOptions({})).not.toThrow()
    expect(() => WaasPaymentProvider.validateOptions(undefined)).not.toThrow()
    expect(() => WaasPaymentProvider.validateOptions(testOptions() as unknown as Record<string, unknown>)).not.toThrow()
  })

  it("rejects bad plugin options, naming the option", () => {
    const bad = { ...testOptions(), quoteLifetimeSeconds: 5 } as unknown as Record<string, unknown>
    expect(() => WaasPaymentProvider.validateOptions(bad)).toThrow(
      'medusa-plugin-waas: invalid option "quoteLifetimeSeconds": expected a whole number from 30 to 604800',
    )
  })

  it("is registered as pp_waas_<id>", () => {
    expect(WaasPaymentProvider.identifier).toBe("waas")
  })
})

describe("without the waas module in its container", () => {
  // a real awilix cradle, as Medusa gives the provider: resolving an unregistered name throws
  const provider = new WaasPaymentProvider(createContainer().cradle as Record<string, unknown>, {})

  it("explains the missing dependencies line", async () => {
    const error = await provider
      .initiatePayment({ amount: 10, currency_code: "usd", data: { session_id: "payses_1" } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MedusaError)
    expect((error as Error).message).toContain('add dependencies: ["waas"] to the payment module entry')
  })
})

describe("the calls that need no module", () => {
  const provider = new WaasPaymentProvider(createContainer().cradle as Record<string, unknown>, {})

  it("refunds are refused: they are withdrawals", async () => {
    await expect(provider.refundPayment({ amount: 5, data: {} })).rejects.toMatchObject({
      type: MedusaError.Types.NOT_ALLOWED,
      message: expect.stringContaining("withdrawal flow"),
    })
  })

  it("the core payment webhook is not used", async () => {
    expect(await provider.getWebhookActionAndData({ data: { anything: 1 }, rawData: "x", headers: {} })).toEqual({
      action: PaymentActions.NOT_SUPPORTED,
    })
  })
})
