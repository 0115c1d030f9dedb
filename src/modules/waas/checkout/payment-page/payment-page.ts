import type { Context } from "@medusajs/framework/types"
import type { Coins } from "../coins"
import type { PaymentLifecycle } from "../payment-lifecycle"
import type { PaymentPageOptions } from "./page-options"
import { buildPageModel, resolveStrings, type PaymentPageModel } from "./page-model"
import type { PaymentPageStrings } from "./page-strings"

/**
 * The hosted payment page's data (the module's accessor `waas.paymentPage()`): its options, its text, and the
 * model of one payment session's page. Reads only; the rendering is the edge's (src/api/payment-page/).
 */
export class PaymentPage {
  constructor(
    readonly options: PaymentPageOptions,
    private readonly payments: PaymentLifecycle,
    private readonly coins: Coins,
    private readonly now: () => Date,
  ) {}

  strings(): PaymentPageStrings {
    return resolveStrings(this.options)
  }

  /** null for a session with no crypto payment (the page answers 404) */
  async modelFor(sessionId: string, sharedContext: Context = {}): Promise<PaymentPageModel | null> {
    const payment = await this.payments.retrieveBySession(sessionId, sharedContext)
    if (!payment) return null
    const view = this.payments.toPublicView(payment)
    const coinName = this.coins.find(payment.symbol)?.displayName ?? payment.symbol
    return buildPageModel(view, coinName, this.options, this.now())
  }
}
