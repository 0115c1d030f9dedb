import { MedusaError, serializeError } from "@medusajs/framework/utils"
import { DEPOSIT_DETECTED_MESSAGE } from "../../modules/waas/checkout/cart-address"
import { NoDepositAddressError } from "../../modules/waas/errors"
import { waasErrorHandler } from "../error-handler"

/** just enough of express's req/res for an error handler */
function call(err: unknown) {
  const out = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown }
  const res = {
    setHeader: (k: string, v: string) => {
      out.headers[k.toLowerCase()] = v
    },
    status(code: number) {
      out.status = code
      return this
    },
    json(body: unknown) {
      out.body = body
      return this
    },
  }
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined }
  const req = { path: "/store/payment-collections/pay_col_1/payment-sessions", scope: { resolve: () => logger } }
  waasErrorHandler()(err, req as never, res as never, (() => undefined) as never)
  return out
}

describe("waasErrorHandler", () => {
  const noAddress = NoDepositAddressError.budgetUsedUp("USDTERC20", 5)

  it("answers 503 with Retry-After and the cause, for the error itself and for the copy a workflow hands on", () => {
    for (const err of [noAddress, serializeError(noAddress)]) {
      expect(call(err)).toEqual({
        status: 503,
        headers: { "retry-after": "60" },
        body: { type: "unexpected_state", code: "waas_no_deposit_address", message: noAddress.message },
      })
    }
  })

  it("leaves every other error to Medusa's default handler", () => {
    expect(call(new MedusaError(MedusaError.Types.NOT_ALLOWED, DEPOSIT_DETECTED_MESSAGE))).toMatchObject({
      status: 400,
      body: { type: "not_allowed", message: DEPOSIT_DETECTED_MESSAGE },
    })
    // the same words without the code are not ours: Medusa's 500 for an unexpected state
    const lookalike = new MedusaError(MedusaError.Types.UNEXPECTED_STATE, noAddress.message)
    expect(call(lookalike)).toMatchObject({ status: 500 })
    expect(call(new Error("boom"))).toMatchObject({ status: 500, body: { message: "An unknown error occurred." } })
  })
})
