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
import { configManager } from "@medusajs/framework/config"
import type { Logger } from "@medusajs/framework/types"
import { WAAS_MODULE } from "../../modules/waas"
import { parseWaasOptions } from "../../modules/waas/options"
import type WaasModuleService from "../../modules/waas/service"
import type { CryptoPaymentDTO } from "../../modules/waas/service"
import { decideByBinding, decideByMedusa, readSessionData, refusalMessage, SessionData, type SessionDecision } from "./session-claim"
import { paymentCollectionOfSession } from "./medusa-session"
import { sessionStatusFor } from "./status-map"
import { isSettled } from "../../modules/waas/deposits/outcome"
import { MISSING_DEPENDENCY, wiringProblem, type WiringConfig } from "./wiring"

/** What a call may act on: a session's crypto payment (null when the module has none), nothing, or a refusal. */
type Resolved =
  | { kind: "payment"; sessionId: string; payment: CryptoPaymentDTO | null }
  | { kind: "none" }
  | Extract<SessionDecision, { kind: "refused" }>

/**
 * The Medusa payment provider `pp_waas_waas`. Thin: every decision is the `waas` module's; this class maps
 * Medusa's payment-session calls onto it and our statuses onto Medusa's. It returns public fields only,
 * plus the session's binding, and acts only on the session Medusa names or whose binding the data carries
 * (session-claim.ts): a storefront can write any session id into a session's data.
 */
export default class WaasPaymentProvider extends AbstractPaymentProvider<Record<string, unknown>> {
  static identifier = "waas"

  /**
   * The provider needs no options of its own (it reads the module's). When the store passes the plugin
   * options here too, they are validated with the same schema, so a typo fails the boot either way.
   */
  static validateOptions(options: Record<string, unknown> | undefined): void {
    // Medusa calls this while it loads the payment module at boot: the moment to catch a config that does
    // not wire this provider to the plugin's module (it would otherwise fail the first checkout)
    const config = loadedConfig()
    const problem = config && wiringProblem(config)
    if (problem) throw new Error(problem)
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
    if (!service) throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, MISSING_DEPENDENCY)
    return service as WaasModuleService
  }

  async initiatePayment(input: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    const data = readSessionData(input.data)
    // Both are Medusa's: it writes the new session's id into data.session_id, over whatever the storefront
    // put there, and passes it as the idempotency key. They can only disagree when a caller forged one.
    const medusaSessionId = input.context?.idempotency_key ?? data.session_id
    if (!medusaSessionId) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "medusa-plugin-waas: initiatePayment needs the payment session id")
    }
    const sessionId = this.sessionOrThrow("initiatePayment", decideByMedusa(medusaSessionId, data))
    const waas = this.waas()
    const payment = await waas.createPaymentForSession({
      session_id: sessionId,
      // the cart, from Medusa's own session row: a new session of the same cart reuses the cart's address
      payment_collection_id: await paymentCollectionOfSession(this.container, sessionId),
      amount: input.amount,
      currency_code: input.currency_code,
      symbol: data.symbol,
    })
    return { id: payment.id, status: PaymentSessionStatus.PENDING, data: sessionData(waas, payment) }
  }

  /**
   * Medusa 2.21 never calls this: no store, admin or core flow calls the payment module's
   * updatePaymentSession (a cart whose total changes has its sessions deleted instead). A quote is renewed
   * by a new payment session on the same payment collection (README), so a call asking for another amount,
   * currency or coin is refused with that advice; any other returns the session's current data.
   */
  async updatePayment(input: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    const data = readSessionData(input.data)
    const current = this.paymentOrThrow("updatePayment", await this.resolve("updatePayment", input, { medusaNamesSession: false }))
    const unchanged =
      (data.symbol ?? current.symbol) === current.symbol &&
      input.currency_code.toLowerCase() === current.currency_code &&
      MathBN.eq(fiatAmountOf(current), input.amount)
    if (!unchanged) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        "medusa-plugin-waas: a crypto quote is not changed in place; for a new amount, currency or coin, or after " +
          "the quote expired, start a new payment session (POST /store/payment-collections/:id/payment-sessions)",
      )
    }
    // no status: Medusa keeps the session's own
    return { data: sessionData(this.waas(), current) }
  }

  /**
   * Releases the session's payment. Medusa calls it with the stored session data when it deletes a session,
   * and with the storefront's raw data when its own creation of a session failed; a session named there
   * without its binding is refused (logged, nothing released). Never throws for that: Medusa deletes its row
   * either way, and an error would only hide the error of the failed creation.
   */
  async deletePayment(input: DeletePaymentInput): Promise<DeletePaymentOutput> {
    await this.release("deletePayment", input)
    return { data: input.data }
  }

  /** `authorized` only when the module's record says paid; else `pending_authorization` (see status-map). */
  async authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    const payment = this.paymentOrThrow("authorizePayment", await this.resolve("authorizePayment", input, { medusaNamesSession: true }))
    return { status: sessionStatusFor(payment.status), data: sessionData(this.waas(), payment) }
  }

  // Medusa 2.21 calls neither of these two; whoever does gets only a session whose binding the data carries.
  async getPaymentStatus(input: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    const payment = this.paymentOrThrow("getPaymentStatus", await this.resolve("getPaymentStatus", input, { medusaNamesSession: false }))
    return { status: sessionStatusFor(payment.status), data: sessionData(this.waas(), payment) }
  }

  async retrievePayment(input: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    const payment = this.paymentOrThrow("retrievePayment", await this.resolve("retrievePayment", input, { medusaNamesSession: false }))
    return { data: sessionData(this.waas(), payment) }
  }

  /**
   * Cancels the crypto payment and frees its address (same rules as deleting the session). Medusa passes
   * the Payment's data (our authorizePayment output) and the Payment's id as the key, not the session's.
   */
  async cancelPayment(input: CancelPaymentInput): Promise<CancelPaymentOutput> {
    await this.release("cancelPayment", input)
    return { data: input.data }
  }

  /**
   * Medusa captures the Payment it recorded when authorizePayment said `authorized` (a paid crypto payment): in
   * processPaymentWorkflow's capture step, which the deposit path runs, or when an admin presses Capture. Nothing
   * moves at the WaaS (the coins already arrived); the capture is allowed only while the module's record still says
   * paid or overpaid, so a payment whose deposit was reversed after authorization is not captured.
   */
  async capturePayment(input: CapturePaymentInput): Promise<CapturePaymentOutput> {
    const payment = this.paymentOrThrow("capturePayment", await this.resolve("capturePayment", input, { medusaNamesSession: false }))
    if (!isSettled(payment.status)) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `medusa-plugin-waas: crypto payment ${payment.id} is ${payment.status}; only a paid crypto payment is captured`,
      )
    }
    return { data: sessionData(this.waas(), payment) }
  }

  /**
   * Crypto refunds are WaaS withdrawals (the plugin's refund flow: request, second admin, WaaS, then this).
   * A refund succeeds here only by claiming a COMPLETED withdrawal of this payment that Medusa has not
   * recorded yet, with the same fiat amount (the Refund id is written onto it, once); anything else throws,
   * so Medusa deletes its Refund row again and no refund exists while no coins have moved.
   */
  async refundPayment(input: RefundPaymentInput): Promise<RefundPaymentOutput> {
    const refundId = input.context?.idempotency_key
    // the Payment's data, bound to its session like every call that names a session through data
    const resolved = readSessionData(input.data).session_id && refundId
      ? await this.resolve("refundPayment", input, { medusaNamesSession: false })
      : null
    const session_id = resolved?.kind === "payment" ? resolved.sessionId : undefined
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

  /**
   * The session a call is about. `medusaNamesSession`: Medusa passes that session's id as the idempotency
   * key on this call (authorizePayment); elsewhere the key means something else or is the caller's.
   */
  private async resolve(
    method: string,
    input: { data?: Record<string, unknown>; context?: { idempotency_key?: string } },
    { medusaNamesSession }: { medusaNamesSession: boolean },
  ): Promise<Resolved> {
    const data = readSessionData(input.data)
    const medusaSessionId = medusaNamesSession ? input.context?.idempotency_key : undefined
    const waas = this.waas()
    if (medusaSessionId) {
      const decision = decideByMedusa(medusaSessionId, data)
      if (decision.kind === "refused") return this.refused(method, decision)
      return { kind: "payment", sessionId: medusaSessionId, payment: await waas.retrievePaymentBySession(medusaSessionId) }
    }
    if (!data.session_id) return { kind: "none" }
    const named = await waas.retrievePaymentBySession(data.session_id)
    if (!named) return { kind: "payment", sessionId: data.session_id, payment: null }
    const decision = decideByBinding(data, named)
    if (decision.kind === "refused") return this.refused(method, decision)
    return { kind: "payment", sessionId: named.payment_session_id, payment: named }
  }

  private refused(method: string, refusal: Extract<SessionDecision, { kind: "refused" }>): Resolved {
    this.logger().warn(refusalMessage(method, refusal))
    return refusal
  }

  /** delete and cancel: release what the call may act on; nothing for data naming no session or a refused one */
  private async release(method: string, input: { data?: Record<string, unknown>; context?: { idempotency_key?: string } }) {
    // data this provider never wrote (a storefront's, as Medusa hands it over) may be malformed: refused,
    // like data naming another session, rather than thrown at Medusa's cleanup
    if (!SessionData.safeParse(input.data ?? {}).success) {
      this.logger().warn(`medusa-plugin-waas: ${method} refused: its data has a malformed session_id, session_binding or symbol; nothing was touched`)
      return
    }
    // Data naming no session (Medusa's cleanup after a failed creation passes the storefront's data, which
    // normally has none): nothing is known to release, and the payment simply expires.
    const resolved = await this.resolve(method, input, { medusaNamesSession: false })
    if (resolved.kind === "payment" && resolved.payment) await this.waas().releasePaymentForSession(resolved.sessionId)
  }

  private paymentOrThrow(method: string, resolved: Resolved): CryptoPaymentDTO {
    if (resolved.kind === "refused") throw new MedusaError(MedusaError.Types.NOT_ALLOWED, refusalMessage(method, resolved))
    if (resolved.kind === "none") {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "medusa-plugin-waas: the payment session data has no session_id")
    }
    if (!resolved.payment) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `medusa-plugin-waas: no crypto payment for payment session ${resolved.sessionId}`)
    }
    return resolved.payment
  }

  private sessionOrThrow(method: string, decision: SessionDecision): string {
    if (decision.kind === "refused") {
      const message = refusalMessage(method, decision)
      this.logger().warn(message)
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, message)
    }
    return decision.sessionId
  }

  /** the payment module's logger (its container has one); the console where a bare container has none */
  private logger(): Pick<Logger, "warn"> {
    try {
      const logger = this.container.logger as Logger | undefined
      if (logger) return logger
    } catch {
      // an awilix cradle throws on an unregistered name
    }
    return console
  }
}

/**
 * The session `data`: the public view as a plain record, and the session's binding, with which later calls
 * that get only data (deletePayment, cancelPayment) prove they are about this session. Medusa shows it only
 * to the storefront of the cart or order the session belongs to; GET /store/waas/payments never shows it.
 */
function sessionData(waas: WaasModuleService, payment: CryptoPaymentDTO): Record<string, unknown> {
  return { ...waas.toPublicView(payment), ...(payment.session_binding ? { session_binding: payment.session_binding } : {}) }
}

/** The application's config while Medusa boots; null outside a boot (a unit test constructing the provider). */
function loadedConfig(): WiringConfig | null {
  // baseDir is set by loadConfig; reading `config` before that logs a warning
  if (!configManager.baseDir) return null
  return configManager.config as unknown as WiringConfig
}

/** the stored fiat amount, exact (from raw_fiat_amount when present) */
function fiatAmountOf(payment: CryptoPaymentDTO): BigNumber {
  const raw = payment.raw_fiat_amount
  if (raw && typeof raw.value === "string") {
    return new BigNumber({ value: raw.value, precision: typeof raw.precision === "number" ? raw.precision : 20 })
  }
  return new BigNumber(payment.fiat_amount)
}
