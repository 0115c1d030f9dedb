import type { BigNumberInput, InferTypeOf } from "@medusajs/framework/types"
import type CryptoPayment from "./models/crypto-payment"
import type { PoolAddressStatus } from "./pool/address-states"

/** The public types of the waas module's service API. */

export type CryptoPaymentDTO = InferTypeOf<typeof CryptoPayment>

export interface QuoteInput {
  /** fiat, in major units of currency_code (Medusa's convention) */
  amount: BigNumberInput
  currency_code: string
  /** a configured, enabled WaaS symbol; the defaultCoin when absent */
  symbol?: string
}

export interface Quote {
  symbol: string
  /** whole coin units, rounded UP to `decimals` */
  amount_due: string
  /** price of one coin in currency_code */
  rate: string
  rate_source: string
  rate_at: Date
  decimals: number
}

export interface PaymentForSessionInput extends QuoteInput {
  session_id: string
  /**
   * the Medusa payment collection of the session (the cart's), from Medusa's own payment_session row, never
   * from storefront data: a new session of the same collection takes over the cart's address
   * (checkout/cart-address.ts). Without it every session gets an address of its own.
   */
  payment_collection_id?: string
}

export interface PublicCoin {
  symbol: string
  displayName: string
  network: string
  decimals: number
  explorerUrl: string | null
}

export interface PoolStats {
  coins: Array<{ symbol: string; enabled: boolean; low_watermark: number } & Record<PoolAddressStatus, number>>
  users: { count: number; cap: number }
}
