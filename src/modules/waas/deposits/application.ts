import type { CryptoPaymentStatus } from "../checkout/payment-states"
import type { DepositLedgerStatus } from "./deposit-states"
import type { DepositEventName, LatePaymentPolicy } from "./outcome"

/** What applying (or deciding on) one deposit reports back; shared by the ledger code and the workflows. */

export type DepositSource = "callback" | "poll" | "admin"

export interface ApplyOptions {
  latePolicy: LatePaymentPolicy
  /** underpaymentTolerance, a decimal fraction string */
  tolerance: string
  /** depositClockGraceSeconds: how far the WaaS's clock may lag the store's when matching an address holder */
  graceSeconds: number
  now: Date
}

export interface PaymentChange {
  id: string
  payment_session_id: string
  order_id: string | null
  before: CryptoPaymentStatus
  after: CryptoPaymentStatus
  amount_due: string
  amount_received: string
  amount_excess: string
  /**
   * Medusa's payment was already marked captured when the row was locked: the capture that follows the application
   * starts from this instead of reading the payment again (absent where a caller did not read it)
   */
  medusa_captured?: boolean
}

/** A payment as Medusa's capture of it decides (DepositLedger.readCapturable): read fresh under the capture lock. */
export interface CapturablePayment {
  id: string
  payment_session_id: string
  status: CryptoPaymentStatus
  /** the capture in Medusa has been recorded (medusa_captured_at) */
  medusa_captured: boolean
  /** the session's fiat amount, exact (raw_fiat_amount's value): the amount captured */
  fiat_amount: string
}

export interface DepositApplication {
  deposit_id: string
  waas_deposit_id: string
  before: DepositLedgerStatus | null
  after: DepositLedgerStatus
  /** the payment whose ledger was re-derived (null when no live payment was involved) */
  payment: PaymentChange | null
  /** this application inserted the credit row */
  credited_now: boolean
  events: DepositEventName[]
  /** needs_review or reversed: why, in words */
  review_reason?: string | null
}
