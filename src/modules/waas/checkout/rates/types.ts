import type { ExactDecimal } from "../../../../protocol"

/** The price of one coin in a fiat currency, with where and when it came from. */
export interface Rate {
  rate: ExactDecimal
  /** "fixed" or "http:<host>"; stored on the payment */
  source: string
  /** when the price was valid (the API's own time when a timePath is configured, else when it was read) */
  at: Date
}

export interface RateSource {
  /** throws RateUnavailableError when there is no usable price */
  getRate(symbol: string, currencyCode: string): Promise<Rate>
}

export type { Clock } from "../../clock"
