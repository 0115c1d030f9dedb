import { formatDecimal } from "../../../protocol"
import { bigNumberColumn } from "../big-number-column"
import type { Clock } from "../clock"
import type { CoinConfig, WaasOptions } from "../options"
import type { ClaimedAddress } from "../pool/pool-sql"
import type { Quote, QuoteInput } from "../types"
import type { Coins } from "./coins"
import { toPositiveFiat } from "./payment-amounts"
import { computeAmountDue, createRateSource, RateSource } from "./rates"

/** Prices a fiat amount in a coin, and turns a quote into the columns a crypto payment stores. */
export class Quotes {
  private readonly rateSource: RateSource

  constructor(
    private readonly options: WaasOptions,
    private readonly coins: Coins,
    now: Clock,
  ) {
    this.rateSource = createRateSource(options.rateSource, now)
  }

  /** An indicative quote; writes nothing. */
  async quote(input: QuoteInput): Promise<Quote> {
    const coin = this.coins.requireEnabled(input.symbol)
    const fiat = toPositiveFiat(input.amount)
    const rate = await this.rateSource.getRate(coin.symbol, input.currency_code)
    // ROUNDING: computeAmountDue rounds the crypto amount UP to the coin's decimals (merchant's favour)
    const due = computeAmountDue(fiat, rate.rate, coin.decimals)
    return {
      symbol: coin.symbol,
      amount_due: formatDecimal(due),
      rate: formatDecimal(rate.rate),
      rate_source: rate.source,
      rate_at: rate.at,
      decimals: coin.decimals,
    }
  }

  /** The payment columns a quote sets: amounts, rate, the address and the quote's two deadlines. */
  /** a quote made at `now` holds until then */
  expiresAt(now: Date): Date {
    return new Date(now.getTime() + this.options.quoteLifetimeSeconds * 1000)
  }

  /** until then the address stays with the payment: the quote's end plus the monitoring window */
  monitorUntil(expiresAt: Date): Date {
    return new Date(expiresAt.getTime() + this.options.monitoringWindowSeconds * 1000)
  }

  paymentFields(input: QuoteInput, coin: CoinConfig, quote: Quote, address: ClaimedAddress, now: Date) {
    const expiresAt = this.expiresAt(now)
    return {
      symbol: coin.symbol,
      network: coin.network,
      address: address.address,
      memo: address.memo,
      pool_address_id: address.id,
      fiat_amount: bigNumberColumn(formatDecimal(toPositiveFiat(input.amount))),
      currency_code: input.currency_code.toLowerCase(),
      amount_due: quote.amount_due,
      rate: quote.rate,
      rate_source: quote.rate_source,
      rate_at: quote.rate_at,
      decimals: coin.decimals,
      expires_at: expiresAt,
      monitor_until: this.monitorUntil(expiresAt),
    }
  }
}
