import { z } from "zod"
import * as S from "./schemas"

/**
 * The endpoints the plugin uses (protocol §2), with their request and response-data schemas.
 * `read: true` marks calls that are safe to retry; a withdraw is never blindly retried (§2.8).
 */
export const WAAS_ENDPOINTS = {
  registerEmail: { path: "/user/registerEmail", request: S.RegisterEmailRequest, data: S.UidData, read: false },
  userInfo: { path: "/user/info", request: S.UserInfoRequest, data: S.UserInfoData, read: true },
  getCoinList: { path: "/user/getCoinList", request: S.CoinListRequest, data: z.array(S.CoinData), read: true },
  getDepositAddress: {
    path: "/account/getDepositAddress",
    request: S.DepositAddressRequest,
    data: S.DepositAddressData,
    // repeated calls return the same address (§2.5), so a retry cannot allocate twice
    read: true,
  },
  getByUidAndSymbol: { path: "/account/getByUidAndSymbol", request: S.UidSymbolRequest, data: S.UserBalanceData, read: true },
  getCompanyBySymbol: {
    path: "/account/getCompanyBySymbol",
    request: S.CompanyBySymbolRequest,
    data: S.CompanyBalanceData,
    read: true,
  },
  withdraw: { path: "/billing/withdraw", request: S.WithdrawRequest, data: S.WithdrawData, read: false },
  withdrawList: { path: "/billing/withdrawList", request: S.IdsRequest, data: z.array(S.WithdrawRecord), read: true },
  syncWithdrawList: { path: "/billing/syncWithdrawList", request: S.SyncRequest, data: z.array(S.WithdrawRecord), read: true },
  depositList: { path: "/billing/depositList", request: S.IdsRequest, data: z.array(S.DepositRecord), read: true },
  syncDepositList: { path: "/billing/syncDepositList", request: S.SyncRequest, data: z.array(S.DepositRecord), read: true },
  syncMinerFeeList: { path: "/billing/syncMinerFeeList", request: S.SyncRequest, data: z.array(S.MinerFeeRecord), read: true },
  minerFeeList: { path: "/billing/minerFeeList", request: S.IdsRequest, data: z.array(S.MinerFeeRecord), read: true },
} as const

export type WaasEndpointName = keyof typeof WAAS_ENDPOINTS
export type EndpointData<N extends WaasEndpointName> = z.infer<(typeof WAAS_ENDPOINTS)[N]["data"]>

/** sync and list endpoints return at most this many rows; a page shorter than this is the last one */
export const PAGE_SIZE = 100

export const DEFAULT_PATH_PREFIX = "/api/v2"
