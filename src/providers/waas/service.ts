import type {
  AuthorizePaymentInput,
  AuthorizePaymentOutput,
  CancelPaymentInput,
  CancelPaymentOutput,
  CapturePaymentInput,
  CapturePaymentOutput,
  DeletePaymentInput,
  DeletePaymentOutput,
  GetPaymentStatusInput,
  GetPaymentStatusOutput,
  InitiatePaymentInput,
  InitiatePaymentOutput,
  ProviderWebhookPayload,
  RefundPaymentInput,
  RefundPaymentOutput,
  RetrievePaymentInput,
  RetrievePaymentOutput,
  UpdatePaymentInput,
  UpdatePaymentOutput,
  WebhookActionResult,
} from "@medusajs/framework/types"
import {
  AbstractPaymentProvider,
  BigNumber,
  MathBN,
  MedusaError,
  PaymentActions,
  PaymentSessionStatus,
} from "@medusajs/framework/utils"
import { z } from "zod"
import { WAAS_MODULE } from "../../modules/waas"
import { parseWaasOptions } from "../../modules/waas/options"
import type WaasModuleService from "../../modules/waas/service"
import type { CryptoPaymentDTO } from "../../modules/waas/service"
import { sessionStatusFor } from "./status-map"

/**
 * What the provider reads from a session's `data`: the session id Medusa put there (initiatePayment) and
 * our public view keeps, and the coin the storefront chose. Anything else in `data` is ignored; in
 * particular nothing in it is ever taken as proof of payment (the storefront can write to it).
 */
const SessionData = z.looseObject({
  session_id: z.string().min(1).optional(),
  symbol: z.string().min(1).max(64).optional(),
})

const MISSING_MODULE =
  'medusa-plugin-waas: the "waas" payment provider cannot reach the "waas" module. In medusa-config, add ' +
  'dependencies: ["waas"] to the payment module entry: { resolve: "@medusajs/medusa/payment", dependencies: ["waas"], ' +
  'options: { providers: [{ resolve: "medusa-plugin-waas/providers/waas", id: "waas" }] } }'

/**
 * The Medusa payment provider `pp_waas_waas`. Thin: every decision is the `waas` module's; this class maps
 * Medusa's payment-session calls onto it and our statuses onto Medusa's. It returns public fields only.
 */
export default class WaasPaymentProvider extends AbstractPaymentProvider<Record<string, unknown>> {
  static identifier = "waas"

  /**
   * The provider needs no options of its own (it reads the module's). When the store passes the plugin
   * options here too, they are validated with the same schema, so a typo fails the boot either way.
   */
  static validateOptions(options: Record<string, unknown> | undefined): void {
    if (!options || Object.keys(options).length === 0) return
    parseWaasOptions(options)
  }

  // eslint-disable-next-line @typescript-eslint/no-useless-constructor
  constructor(cradle: Record<string, unknown>, options?: Record<string, unknown>) {
    super(cradle, options)
  }

  /** Resolved on each call, never in the constructor: the module may be registered after the provider. */
  protected waas(): WaasModuleService {
    let service: unknown
    try {
      service = this.container[WAAS_MODULE]
    } catch {
      // an awilix cradle throws on an unregistered name
      service = undefined
    }
    if (!service) throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, MISSING_MODULE)
    return service as WaasModuleService
  }

  async initiatePayment(input: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    const data = readData(input.data)
    const sessionId = data.session_id ?? input.context?.idempotency_key
    if (!sessionId) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "medusa-plugin-waas: initiatePayment needs the payment session id")
    }
    const waas = this.waas()
    const payment = await waas.createPaymentForSession({
      session_id: sessionId,
      amount: input.amount,
      currency_code: input.currency_code,
      symbol: data.symbol,
    })
    return { id: payment.id, status: PaymentSessionStatus.PENDING, data: publicData(waas, payment) }
  }

  /** Re-quotes when the amount, the currency or the coin changed, or the quote expired; else returns it as is. */
  async updatePayment(input: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    const data = readData(input.data)
    const waas = this.waas()
    const current = await this.requirePayment(data.session_id)
    const symbol = data.symbol ?? current.symbol
    const unchanged =
      current.status === "awaiting_payment" &&
      symbol === current.symbol &&
      input.currency_code.toLowerCase() === current.currency_code &&
      MathBN.eq(fiatAmountOf(current), input.amount)
    const payment = unchanged
      ? current
      : await waas.requotePayment({ session_id: current.payment_session_id, amount: input.amount, currency_code: input.currency_code, symbol })
    return { status: PaymentSessionStatus.PENDING, data: publicData(waas, payment) }
  }

  async deletePayment(input: DeletePaymentInput): Promise<DeletePaymentOutput> {
    const { session_id } = readData(input.data)
    // Medusa's own cleanup after a failed session creation passes the storefront's data, without our
    // session id: nothing is known to release then, and the payment simply expires.
    if (session_id) await this.waas().releasePaymentForSession(session_id)
    return { data: input.data }
  }

  /** `captured` only when the module's record says paid; else `pending_authorization` (see status-map). */
  async authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    const payment = await this.requirePayment(readData(input.data).session_id)
    return { status: sessionStatusFor(payment.status), data: publicData(this.waas(), payment) }
  }

  async getPaymentStatus(input: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    const payment = await this.requirePayment(readData(input.data).session_id)
    return { status: sessionStatusFor(payment.status), data: publicData(this.waas(), payment) }
  }

  async retrievePayment(input: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    const payment = await this.requirePayment(readData(input.data).session_id)
    return { data: publicData(this.waas(), payment) }
  }

  /** Cancels the crypto payment and frees its address (same rules as deleting the session). */
  async cancelPayment(input: CancelPaymentInput): Promise<CancelPaymentOutput> {
    const { session_id } = readData(input.data)
    if (session_id) await this.waas().releasePaymentForSession(session_id)
    return { data: input.data }
  }

  /** Nothing to do: a paid crypto payment is reported `captured` by authorizePayment (auto-capture). */
  async capturePayment(input: CapturePaymentInput): Promise<CapturePaymentOutput> {
    return { data: input.data }
  }

  /**
   * Crypto refunds are WaaS withdrawals (the plugin's refund flow: request, second admin, WaaS, then this).
   * A refund succeeds here only by claiming a COMPLETED withdrawal of this payment that Medusa has not
   * recorded yet, with the same fiat amount (the Refund id is written onto it, once); anything else throws,
   * so Medusa deletes its Refund row again and no refund exists while no coins have moved.
   */
  async refundPayment(input: RefundPaymentInput): Promise<RefundPaymentOutput> {
    const { session_id } = readData(input.data)
    const refundId = input.context?.idempotency_key
    const claimed =
      session_id && refundId
        ? await this.waas()
            .withdrawals()
            .medusaRefunds.claim({ payment_session_id: session_id, amount: MathBN.convert(input.amount).toFixed(), refund_id: refundId })
        : null
    if (!claimed) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        "medusa-plugin-waas: crypto refunds are on-chain withdrawals and go through the plugin's withdrawal flow " +
          "(POST /admin/waas/withdrawals, approved by a second admin); Medusa records the refund once the coins have left",
      )
    }
    return { data: input.data }
  }

  /** The WaaS calls back on the plugin's own routes (/hooks/waas/…), never on /hooks/payment/waas_waas. */
  async getWebhookActionAndData(_payload: ProviderWebhookPayload["payload"]): Promise<WebhookActionResult> {
    return { action: PaymentActions.NOT_SUPPORTED }
  }

  private async requirePayment(sessionId: string | undefined): Promise<CryptoPaymentDTO> {
    if (!sessionId) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "medusa-plugin-waas: the payment session data has no session_id")
    }
    const payment = await this.waas().retrievePaymentBySession(sessionId)
    if (!payment) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `medusa-plugin-waas: no crypto payment for payment session ${sessionId}`)
    }
    return payment
  }
}

function readData(data: Record<string, unknown> | undefined): z.infer<typeof SessionData> {
  const parsed = SessionData.safeParse(data ?? {})
  if (!parsed.success) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "medusa-plugin-waas: session data has a malformed session_id or symbol")
  }
  return parsed.data
}

/** the session `data`: the public view as a plain record */
function publicData(waas: WaasModuleService, payment: CryptoPaymentDTO): Record<string, unknown> {
  return { ...waas.toPublicView(payment) }
}

/** the stored fiat amount, exact (from raw_fiat_amount when present) */
function fiatAmountOf(payment: CryptoPaymentDTO): BigNumber {
  const raw = payment.raw_fiat_amount
  if (raw && typeof raw.value === "string") {
    return new BigNumber({ value: raw.value, precision: typeof raw.precision === "number" ? raw.precision : 20 })
  }
  return new BigNumber(payment.fiat_amount)
}
