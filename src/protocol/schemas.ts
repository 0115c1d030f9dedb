import { z } from "zod"
import { zAmount, zFlag, zId, zIdList, zInt, zWaasTime } from "./wire-types"

/* ------------------------------------------------------------------ envelopes (§1.1, §1.5) */

/** the outer form body of every request and callback: app_id + data */
export const FormEnvelope = z.object({
  app_id: z.string().min(1).max(128),
  data: z.string().min(1),
})

/** outer HTTP body of a response: {"data":"<cipher>"}, or a plaintext pre-auth error {code,msg} */
export const OuterResponse = z.looseObject({
  data: z.unknown().optional(),
  code: z.union([z.string(), z.number()]).optional(),
  msg: z.string().optional(),
})

/** decrypted result: {code,msg,data}; code is a string on the wire, a number is tolerated */
export const ResultEnvelope = z.looseObject({
  code: z.union([z.string(), z.number()]).transform((c) => String(c)),
  msg: z.string().optional().default(""),
  data: z.unknown().optional(),
})
export type ResultEnvelope = z.infer<typeof ResultEnvelope>

/* ------------------------------------------------------------------ request common (§1.4) */

export const RequestCommon = z.looseObject({
  time: z.union([z.number(), z.string()]),
  charset: z.string().optional(),
  version: z.string().optional(),
  app_id: z.string().optional(),
  sign: z.string().optional(),
})

const zEmail = z
  .string()
  .max(100)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must look like an email (x@y.z)")
const zSymbol = z.string().min(1).max(64)
const zRequestId = z.string().min(1).max(64)

/* ------------------------------------------------------------------ endpoint requests (§2) */

export const RegisterEmailRequest = RequestCommon.extend({ email: zEmail })
export const UserInfoRequest = RequestCommon.extend({
  email: zEmail.optional(),
  country: z.string().optional(),
  mobile: z.string().optional(),
}).refine((r) => r.email !== undefined || (r.country !== undefined && r.mobile !== undefined), {
  message: "either email or country+mobile is required",
})
export const CoinListRequest = RequestCommon
export const DepositAddressRequest = RequestCommon.extend({ uid: zId, symbol: zSymbol })
export const UidSymbolRequest = RequestCommon.extend({ uid: zId, symbol: zSymbol })
export const CompanyBySymbolRequest = RequestCommon.extend({ symbol: zSymbol })
export const WithdrawRequest = RequestCommon.extend({
  request_id: zRequestId,
  from_uid: zId,
  to_address: z.string().min(1).max(256),
  amount: zAmount,
  symbol: zSymbol,
  focus_online: z.union([z.literal("0"), z.literal("1")]).optional(),
})
export const IdsRequest = RequestCommon.extend({ ids: zIdList })
export const SyncRequest = RequestCommon.extend({ max_id: zId })

/* ------------------------------------------------------------------ endpoint responses (§2) */

export const UidData = z.looseObject({ uid: zId })
export const UserInfoData = z.looseObject({ uid: zId, nickname: z.string().optional() })

export const CoinData = z.looseObject({
  symbol: zSymbol,
  real_symbol: z.string().optional(),
  name: z.string().optional(),
  icon: z.string().optional(),
  decimals: zInt.pipe(z.number().int().min(0).max(36)),
  base_symbol: z.string().optional(),
  contract_address: z.string().optional(),
  deposit_confirmation: zInt.optional(),
  explorer: z.string().optional(),
  address_regex: z.string().optional(),
  address_tag_regex: z.string().optional(),
  support_memo: zFlag.optional(),
  support_token: zFlag.optional(),
  min_deposit: z.string().optional(),
  merge_address_symbol: z.string().optional(),
})
export type CoinData = z.infer<typeof CoinData>

export const DepositAddressData = z.looseObject({
  uid: zId,
  address: z.string().min(1),
  symbol: z.string().optional(),
})
export const UserBalanceData = z.looseObject({
  normal_balance: zAmount,
  lock_balance: zAmount,
  deposit_address: z.string().optional().default(""),
})
export const CompanyBalanceData = z.looseObject({
  symbol: zSymbol,
  balance: zAmount,
})
export const WithdrawData = z.looseObject({
  id: zId,
  withdraw_type: zInt,
  status: zInt,
})

export const WithdrawRecord = z.looseObject({
  id: zId,
  request_id: z.string().optional().default(""),
  uid: zId,
  symbol: zSymbol,
  amount: zAmount,
  withdraw_fee_symbol: z.string().optional().default(""),
  withdraw_fee: zAmount.optional().default("0"),
  fee_symbol: z.string().optional().default(""),
  real_fee: zAmount.optional().default("0"),
  fee: zAmount.optional(),
  address_from: z.string().optional().default(""),
  address_to: z.string(),
  txid: z.string().optional().default(""),
  confirmations: zInt.optional().default(0),
  saas_status: zInt.optional(),
  company_status: zInt.optional(),
  status: zInt,
  created_at: zWaasTime,
  updated_at: zWaasTime,
})
export type WithdrawRecord = z.infer<typeof WithdrawRecord>

export const DepositRecord = z.looseObject({
  id: zId,
  uid: zId,
  symbol: zSymbol,
  amount: zAmount,
  address_from: z.string().optional().default(""),
  address_to: z.string().min(1),
  txid: z.string().optional().default(""),
  confirmations: zInt.optional().default(0),
  status: zInt,
  created_at: zWaasTime,
  updated_at: zWaasTime,
})
export type DepositRecord = z.infer<typeof DepositRecord>

export const MinerFeeRecord = z.looseObject({
  id: zId,
  uid: zId.optional(),
  symbol: zSymbol,
  amount: zAmount,
  fee: zAmount,
  base_symbol: z.string().optional().default(""),
  contract_address: z.string().optional().default(""),
  txid: z.string().optional().default(""),
  txid_type: z.string().optional(),
  confirmations: zInt.optional().default(0),
  status: zInt,
  address_from: z.string().optional().default(""),
  address_to: z.string().optional().default(""),
  created_at: zWaasTime,
  updated_at: zWaasTime,
})
export type MinerFeeRecord = z.infer<typeof MinerFeeRecord>

/* ------------------------------------------------------------------ callbacks (§3) */

/** fields common to both notification sides; the WaaS sends every value as a string (§3.2) */
const NotificationCommon = z.looseObject({
  charset: z.string().optional(),
  version: z.string().optional(),
  app_id: z.string().optional(),
  notify_time: zWaasTime.optional(),
  time: zWaasTime.optional(),
  id: zId,
  uid: zId,
  symbol: zSymbol,
  amount: zAmount,
  address_to: z.string().min(1),
  address_from: z.string().optional(),
  txid: z.string().optional().default(""),
  confirmations: zInt.optional().default(0),
  status: zInt,
  created_at: zWaasTime,
  updated_at: zWaasTime,
})

export const DepositNotification = NotificationCommon.extend({ side: z.literal("deposit") })
export type DepositNotification = z.infer<typeof DepositNotification>

export const WithdrawNotification = NotificationCommon.extend({
  side: z.literal("withdraw"),
  request_id: z.string().max(64).optional().default(""),
  withdraw_fee_symbol: z.string().optional().default(""),
  withdraw_fee: zAmount.optional().default("0"),
  fee_symbol: z.string().optional().default(""),
  real_fee: zAmount.optional().default("0"),
})
export type WithdrawNotification = z.infer<typeof WithdrawNotification>

/** the notification callback: `side` selects the shape; an unknown side is rejected */
export const Notification = z.discriminatedUnion("side", [DepositNotification, WithdrawNotification])
export type Notification = z.infer<typeof Notification>

/** what the WaaS posts to the second-confirmation URL during /billing/withdraw (§3.4) */
export const WithdrawConfirmationRequest = z.looseObject({
  time: zWaasTime.optional(),
  charset: z.string().optional(),
  version: z.string().optional(),
  request_id: zRequestId,
  from_uid: zId,
  to_address: z.string().min(1),
  amount: zAmount,
  symbol: zSymbol,
  check_sum: z.string().min(1).max(256),
})
export type WithdrawConfirmationRequest = z.infer<typeof WithdrawConfirmationRequest>

/** the merchant's approval, encrypted with the merchant key: must echo check_sum */
export const WithdrawConfirmationAnswer = z.looseObject({
  check_sum: z.string().min(1).max(256),
  time: z.union([z.string(), z.number()]).optional(),
})
