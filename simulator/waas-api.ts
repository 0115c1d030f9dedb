import type { z } from "zod"
import { type ExactDecimal, PAGE_SIZE, WaasCode, WAAS_ENDPOINTS, type WaasEndpointName } from "../src/protocol"
import { coinToWire } from "./coins"
import { SimWaasError } from "./errors"
import { depositToWire, minerFeeToWire, renderAmount, withdrawalToWire, type RenderOptions } from "./records"
import type { SimState } from "./state"
import type { ConfirmationCall, SimMerchantInfo } from "./types"

/**
 * The business side of each WaaS endpoint: a validated request in, the response `data` out (or a SimWaasError).
 * Transport, crypto and faults are server.ts's job. Response shapes copy the real samples where one exists
 * (getDepositAddress answers uid as a string, user/info carries auth_level/real_name/invite_code, withdraw
 * answers `{withdraw_type,id,status}` in that order).
 */
export interface HandlerContext {
  state: SimState
  merchant: SimMerchantInfo
  render: RenderOptions
  /** ask the merchant's confirmation URL (§3.4) */
  confirm(fields: { request_id: string; from_uid: number; to_address: string; amount: string; symbol: string }): Promise<ConfirmationCall>
}

type Req<N extends WaasEndpointName> = z.output<(typeof WAAS_ENDPOINTS)[N]["request"]>
type Handlers = { [N in WaasEndpointName]: (ctx: HandlerContext, req: Req<N>) => unknown }

const idList = (ids: string): string[] => ids.split(",").map((s) => s.trim())

const amount = (ctx: HandlerContext, value: ExactDecimal): string => renderAmount(value, ctx.render.amountScale)

export const HANDLERS: Handlers = {
  registerEmail: (ctx, req) => ({ uid: ctx.state.directory.registerEmail(ctx.merchant.appId, req.email).uid }),

  userInfo: (ctx, req) => {
    // mobile users cannot be created here (no /user/createUser), so a mobile lookup never finds anyone
    if (req.email === undefined) throw new SimWaasError(WaasCode.USER_NOT_FOUND)
    const u = ctx.state.directory.userByEmail(ctx.merchant.appId, req.email)
    return { uid: u.uid, auth_level: 0, nickname: u.nickname, real_name: "", invite_code: u.inviteCode }
  },

  getCoinList: (ctx) => ctx.state.coins.coins.map(coinToWire),

  getDepositAddress: (ctx, req) => {
    const a = ctx.state.directory.depositAddress(ctx.merchant.appId, req.uid, req.symbol)
    return { uid: String(a.uid), address: a.address }
  },

  getByUidAndSymbol: (ctx, req) => {
    const b = ctx.state.userBalance(ctx.merchant.appId, req.uid, req.symbol)
    return { normal_balance: amount(ctx, b.normal), lock_balance: amount(ctx, b.lock), deposit_address: b.address }
  },

  getCompanyBySymbol: (ctx, req) => {
    const c = ctx.state.companyBalance(ctx.merchant.appId, req.symbol)
    return { symbol: c.coin.symbol, balance: amount(ctx, c.balance) }
  },

  withdraw: async (ctx, req) => {
    const prepared = ctx.state.withdrawals.prepare(ctx.merchant.appId, req)
    let call: ConfirmationCall
    try {
      call = await ctx.confirm({
        request_id: req.request_id,
        from_uid: req.from_uid,
        to_address: req.to_address,
        amount: req.amount,
        symbol: prepared.coin.symbol,
      })
    } catch (e) {
      ctx.state.withdrawals.abort(prepared)
      throw e
    }
    if (call.outcome !== "approved" && call.outcome !== "skipped") {
      ctx.state.withdrawals.abort(prepared)
      throw new SimWaasError(WaasCode.SECOND_CONFIRMATION_FAILED, call.reason)
    }
    const w = ctx.state.withdrawals.commit(prepared)
    return { withdraw_type: w.withdrawType, id: w.id, status: w.status }
  },

  withdrawList: (ctx, req) =>
    ctx.state.withdrawals.byRequestIds(ctx.merchant.appId, idList(req.ids)).map((w) => withdrawalToWire(w, ctx.render)),

  syncWithdrawList: (ctx, req) =>
    ctx.state.withdrawals.after(ctx.merchant.appId, req.max_id, PAGE_SIZE).map((w) => withdrawalToWire(w, ctx.render)),

  depositList: (ctx, req) =>
    ctx.state.deposits.byIds(ctx.merchant.appId, idList(req.ids)).map((d) => depositToWire(d, ctx.render)),

  syncDepositList: (ctx, req) =>
    ctx.state.deposits.after(ctx.merchant.appId, req.max_id, PAGE_SIZE).map((d) => depositToWire(d, ctx.render)),

  syncMinerFeeList: (ctx, req) =>
    ctx.state
      .deposits.minerFeesAfter(ctx.merchant.appId, req.max_id, PAGE_SIZE)
      .map((f) => minerFeeToWire(f, ctx.state.directory.userEmail(f.uid), ctx.render)),

  minerFeeList: (ctx, req) =>
    ctx.state
      .deposits.minerFeesByIds(ctx.merchant.appId, idList(req.ids))
      .map((f) => minerFeeToWire(f, ctx.state.directory.userEmail(f.uid), ctx.render)),
}
