import { parseDecimal } from "../../../../protocol"
import { RateUnavailableError } from "../../errors"
import type { FixedRateSourceConfig } from "../../options"
import type { Clock, Rate, RateSource } from "./types"

/** Rates written in the options: for tests, demos and stores that price a stablecoin at par. */
export class FixedRateSource implements RateSource {
  private readonly rates = new Map<string, string>()

  constructor(config: FixedRateSourceConfig, private readonly now: Clock) {
    for (const [symbol, perCurrency] of Object.entries(config.rates)) {
      for (const [currency, rate] of Object.entries(perCurrency)) {
        this.rates.set(key(symbol, currency), rate)
      }
    }
  }

  async getRate(symbol: string, currencyCode: string): Promise<Rate> {
    const rate = this.rates.get(key(symbol, currencyCode))
    if (rate === undefined) {
      throw new RateUnavailableError(symbol, currencyCode, `rateSource.rates has no entry rates["${symbol}"]["${currencyCode.toLowerCase()}"]`)
    }
    return { rate: parseDecimal(rate, { allowZero: false }), source: "fixed", at: this.now() }
  }
}

const key = (symbol: string, currency: string) => `${symbol}\u0000${currency.toLowerCase()}`
