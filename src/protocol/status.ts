/** Status enums of protocol §2.17. */

export const DepositStatus = {
  PENDING_CONFIRMATION: 0,
  SUCCESS: 1,
  FAILED: 2,
  KYT_PENDING: 4,
  KYT_REVIEW_RISK: 5,
  KYT_REVIEW_CIRCUIT_BREAKER: 6,
} as const
export type DepositStatusValue = (typeof DepositStatus)[keyof typeof DepositStatus]
export const DEPOSIT_STATUSES: readonly number[] = Object.values(DepositStatus)

/** how the plugin reads a deposit status */
export type DepositOutcome = "pending" | "compliance_review" | "credited" | "failed"

export function depositOutcome(status: number): DepositOutcome {
  switch (status) {
    case DepositStatus.SUCCESS:
      return "credited"
    case DepositStatus.FAILED:
      return "failed"
    case DepositStatus.KYT_PENDING:
    case DepositStatus.KYT_REVIEW_RISK:
    case DepositStatus.KYT_REVIEW_CIRCUIT_BREAKER:
      return "compliance_review"
    case DepositStatus.PENDING_CONFIRMATION:
      return "pending"
    default:
      throw new RangeError(`unknown deposit status ${status}`)
  }
}

export function isDepositFinal(status: number): boolean {
  return status === DepositStatus.SUCCESS || status === DepositStatus.FAILED
}

export const WithdrawStatus = {
  RISK_REVIEW: 0,
  PAYING: 1,
  REJECTED: 2,
  BROADCAST: 3,
  FAILED: 4,
  SUCCESS: 5,
  CANCELLED: 6,
  KYT_PENDING: 7,
  KYT_REVIEW_RISK: 8,
} as const
export type WithdrawStatusValue = (typeof WithdrawStatus)[keyof typeof WithdrawStatus]
export const WITHDRAW_STATUSES: readonly number[] = Object.values(WithdrawStatus)

export type WithdrawOutcome = "pending" | "success" | "failed"

export function withdrawOutcome(status: number): WithdrawOutcome {
  switch (status) {
    case WithdrawStatus.SUCCESS:
      return "success"
    case WithdrawStatus.REJECTED:
    case WithdrawStatus.FAILED:
    case WithdrawStatus.CANCELLED:
      return "failed"
    case WithdrawStatus.RISK_REVIEW:
    case WithdrawStatus.PAYING:
    case WithdrawStatus.BROADCAST:
    case WithdrawStatus.KYT_PENDING:
    case WithdrawStatus.KYT_REVIEW_RISK:
      return "pending"
    default:
      throw new RangeError(`unknown withdrawal status ${status}`)
  }
}

export function isWithdrawFinal(status: number): boolean {
  return withdrawOutcome(status) !== "pending"
}

/** `withdraw_type` of the withdraw response: 1 on-chain, 2 internal transfer (status 0 success / 1 failure) */
export const WithdrawType = { EXTERNAL: 1, INTERNAL: 2 } as const

/** platform (saas_status) and merchant (company_status) review */
export const ReviewStatus = { NOT_REVIEWED: 0, APPROVED: 1, REJECTED: 2 } as const
