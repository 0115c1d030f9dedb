"use client"
/**
 * `medusa-plugin-waas/storefront`: a drop-in React component (React 18+ as a peer dependency) for stores that
 * embed the crypto payment in their own checkout. See the README's "Storefront component" section.
 */
export { PayWithCrypto, type PayWithCryptoProps } from "./pay-with-crypto"
export { useCryptoPayment, type CryptoPaymentView, type UseCryptoPaymentInput, type UseCryptoPaymentResult } from "./use-crypto-payment"
export { PAYMENT_PAGE_STRINGS, type PaymentPageStrings } from "../modules/waas/checkout/payment-page/page-strings"
export { pageStateOf, PAGE_STATES, type PageState } from "../modules/waas/checkout/payment-page/page-model"
