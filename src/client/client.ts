import { z } from "zod"
import { formatDecimal, parseDecimal } from "../protocol/decimal"
import { EndpointData, PAGE_SIZE, WAAS_ENDPOINTS, WaasEndpointName } from "../protocol/endpoints"
import { encryptEnvelope } from "../protocol/envelope"
import type { CoinData, DepositRecord, MinerFeeRecord, WithdrawRecord } from "../protocol/schemas"
import { formatIssues } from "../protocol/zod-issues"
import { WaasRequestError } from "./errors"
import { ResolvedClientOptions, resolveClientOptions, WaasClientOptions } from "./options"
import { openResponse } from "./response"
import { backoffDelay, isRetryable, sleep } from "./retry"
import { FormTransport } from "./transport"

export type UserInfoQuery = { email: string } | { country: string; mobile: string }

export interface WithdrawInput {
  /** the merchant's idempotency key, ≤ 64 chars, no commas or whitespace (it is looked up with withdrawList) */
  request_id: string
  from_uid: number
  to_address: string
  /** decimal string, including the merchant's withdrawal service fee (§2.8) */
  amount: string
  symbol: string
  focus_online?: "0" | "1"
}

export interface WithdrawResult {
  id: number
  withdraw_type: number
  status: number
}

const REQUEST_ID = /^[^,\s]{1,64}$/

/** a list answer whose records the caller validates itself */
const ROWS = z.array(z.unknown())

/**
 * A typed client of the ChainUp Custody WaaS v2 API (protocol §1–§2). Stateless apart from its connection pool:
 * one instance per merchant configuration, shared by everything that talks to the WaaS.
 */
export class WaasClient {
  private readonly o: ResolvedClientOptions
  private readonly transport: FormTransport

  constructor(options: WaasClientOptions) {
    this.o = resolveClientOptions(options)
    this.transport = new FormTransport({
      origin: this.o.origin,
      connectTimeoutMs: this.o.connectTimeoutMs,
      readTimeoutMs: this.o.readTimeoutMs,
      dispatcher: this.o.dispatcher,
    })
  }

  /** `/user/registerEmail`. Not retried; see `registerOrRecover` for the recovery path. */
  async registerEmail(email: string): Promise<{ uid: number }> {
    const d = await this.call("registerEmail", { email })
    return { uid: d.uid }
  }

  async userInfo(query: UserInfoQuery): Promise<{ uid: number; nickname?: string }> {
    const fields = "email" in query ? { email: query.email } : { country: query.country, mobile: query.mobile }
    const d = await this.call("userInfo", fields)
    return d.nickname === undefined ? { uid: d.uid } : { uid: d.uid, nickname: d.nickname }
  }

  async getCoinList(): Promise<CoinData[]> {
    return this.call("getCoinList", {})
  }

  async getDepositAddress(uid: number, symbol: string): Promise<{ uid: number; address: string }> {
    const d = await this.call("getDepositAddress", { uid, symbol })
    return { uid: d.uid, address: d.address }
  }

  async getByUidAndSymbol(
    uid: number,
    symbol: string
  ): Promise<{ normal_balance: string; lock_balance: string; deposit_address: string }> {
    const d = await this.call("getByUidAndSymbol", { uid, symbol })
    return { normal_balance: d.normal_balance, lock_balance: d.lock_balance, deposit_address: d.deposit_address }
  }

  async getCompanyBySymbol(symbol: string): Promise<{ symbol: string; balance: string }> {
    const d = await this.call("getCompanyBySymbol", { symbol })
    return { symbol: d.symbol, balance: d.balance }
  }

  /**
   * `/billing/withdraw`. Never retried by the client (a blind retry could pay twice); on an ambiguous failure
   * use `submitWithdrawalSafely`. The amount is validated as a positive plain decimal and sent in canonical
   * form ("1.50" → "1.5"): the confirmation receiver must compare amounts as decimals (§3.4).
   */
  async withdraw(input: WithdrawInput): Promise<WithdrawResult> {
    const path = WAAS_ENDPOINTS.withdraw.path
    if (!REQUEST_ID.test(input.request_id)) {
      throw new WaasRequestError(path, ["request_id: 1–64 characters without commas or whitespace"])
    }
    const amount = formatDecimal(parseDecimal(input.amount, { allowZero: false }))
    const fields: Record<string, unknown> = {
      request_id: input.request_id,
      from_uid: input.from_uid,
      to_address: input.to_address,
      amount,
      symbol: input.symbol,
    }
    if (input.focus_online !== undefined) fields.focus_online = input.focus_online
    const d = await this.call("withdraw", fields)
    return { id: d.id, withdraw_type: d.withdraw_type, status: d.status }
  }

  /** `/billing/withdrawList` by merchant request_ids; more than 100 are fetched in pages, none → []. */
  async withdrawList(requestIds: string[]): Promise<WithdrawRecord[]> {
    const path = WAAS_ENDPOINTS.withdrawList.path
    const bad = requestIds.findIndex((id) => typeof id !== "string" || !REQUEST_ID.test(id))
    if (bad >= 0) throw new WaasRequestError(path, [`ids.${bad}: 1–64 characters without commas or whitespace`])
    return this.pagedByIds("withdrawList", requestIds)
  }

  async syncWithdrawList(maxId: number): Promise<WithdrawRecord[]> {
    return this.call("syncWithdrawList", { max_id: maxId })
  }

  /** `/billing/depositList` by WaaS deposit ids; more than 100 are fetched in pages, none → []. */
  async depositList(ids: number[]): Promise<DepositRecord[]> {
    this.assertIds("depositList", ids)
    return this.pagedByIds("depositList", ids.map(String))
  }

  async syncDepositList(maxId: number): Promise<DepositRecord[]> {
    return this.call("syncDepositList", { max_id: maxId })
  }

  /**
   * `depositList` and `syncDepositList` with the answer verified (signature, envelope, a list) but its records
   * left for the caller to validate one by one (`DepositRecord.safeParse`): one malformed record must not hide
   * the others, nor stop a sync behind it.
   */
  async depositListRows(ids: number[]): Promise<unknown[]> {
    this.assertIds("depositList", ids)
    const out: unknown[] = []
    for (let i = 0; i < ids.length; i += PAGE_SIZE) {
      out.push(...((await this.request("depositList", { ids: ids.slice(i, i + PAGE_SIZE).join(",") }, ROWS)) as unknown[]))
    }
    return out
  }

  async syncDepositListRows(maxId: number): Promise<unknown[]> {
    return (await this.request("syncDepositList", { max_id: maxId }, ROWS)) as unknown[]
  }

  /**
   * Any sync endpoint (id > max_id, ≤ 100 rows) or list-by-ids endpoint (pages of 100 ids), the answer verified
   * but its records left for the caller to validate one by one, as `depositListRows` (the reconciliation's
   * mirror reads all three record types this way).
   */
  async syncRows(name: "syncDepositList" | "syncWithdrawList" | "syncMinerFeeList", maxId: number): Promise<unknown[]> {
    return (await this.request(name, { max_id: maxId }, ROWS)) as unknown[]
  }

  async listRowsByIds(name: "depositList" | "withdrawList" | "minerFeeList", ids: string[]): Promise<unknown[]> {
    const path = WAAS_ENDPOINTS[name].path
    const bad = ids.findIndex((id) => typeof id !== "string" || !REQUEST_ID.test(id))
    if (bad >= 0) throw new WaasRequestError(path, [`ids.${bad}: 1–64 characters without commas or whitespace`])
    const out: unknown[] = []
    for (let i = 0; i < ids.length; i += PAGE_SIZE) {
      out.push(...((await this.request(name, { ids: ids.slice(i, i + PAGE_SIZE).join(",") }, ROWS)) as unknown[]))
    }
    return out
  }

  async syncMinerFeeList(maxId: number): Promise<MinerFeeRecord[]> {
    return this.call("syncMinerFeeList", { max_id: maxId })
  }

  async minerFeeList(ids: number[]): Promise<MinerFeeRecord[]> {
    this.assertIds("minerFeeList", ids)
    return this.pagedByIds("minerFeeList", ids.map(String))
  }

  /** Closes the own connection pool; a caller-supplied dispatcher is left open (it is the caller's). */
  /** Closes the client's own connections once the requests in flight have finished. */
  async close(): Promise<void> {
    await this.transport.close()
  }

  /**
   * Aborts the requests in flight (they fail with a WaasTransportError) and closes the connections now: for a
   * shutdown, which must not wait on a slow or vanished WaaS. An aborted read is simply retried by whoever
   * runs next; an aborted withdrawal is resolved by `submitWithdrawalSafely`'s lookup of its request_id.
   */
  async destroy(): Promise<void> {
    await this.transport.destroy()
  }

  /* ------------------------------------------------------------------ internals */

  private assertIds(name: WaasEndpointName, ids: number[]): void {
    const bad = ids.findIndex((id) => !Number.isSafeInteger(id) || id < 0)
    if (bad >= 0) throw new WaasRequestError(WAAS_ENDPOINTS[name].path, [`ids.${bad}: expected a non-negative integer`])
  }

  private async pagedByIds<N extends "withdrawList" | "depositList" | "minerFeeList">(
    name: N,
    ids: string[]
  ): Promise<EndpointData<N>> {
    const out: unknown[] = []
    for (let i = 0; i < ids.length; i += PAGE_SIZE) {
      const page = await this.call(name, { ids: ids.slice(i, i + PAGE_SIZE).join(",") })
      out.push(...(page as unknown[]))
    }
    return out as EndpointData<N>
  }

  private async call<N extends WaasEndpointName>(name: N, fields: Record<string, unknown>): Promise<EndpointData<N>> {
    return (await this.request(name, fields, WAAS_ENDPOINTS[name].data)) as EndpointData<N>
  }

  /** One logical call: read endpoints are retried on transient failures, writes are sent exactly once. */
  private async request(name: WaasEndpointName, fields: Record<string, unknown>, dataSchema: z.ZodType): Promise<unknown> {
    const endpoint = WAAS_ENDPOINTS[name]
    const attempts = endpoint.read ? 1 + this.o.readRetries : 1
    for (let attempt = 0; ; attempt++) {
      const started = Date.now()
      try {
        const data = await this.send(name, fields, dataSchema)
        this.o.logger?.debug?.(`WaaS ${endpoint.path} ok in ${Date.now() - started} ms (attempt ${attempt + 1})`)
        return data
      } catch (e) {
        const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
        if (!endpoint.read || attempt + 1 >= attempts || !isRetryable(e)) {
          this.o.logger?.debug?.(`WaaS ${endpoint.path} failed in ${Date.now() - started} ms: ${why}`)
          throw e
        }
        const delay = backoffDelay(attempt, this.o.retryBaseDelayMs, this.o.retryMaxDelayMs)
        this.o.logger?.warn(`WaaS ${endpoint.path} attempt ${attempt + 1}/${attempts} failed (${why}); retrying in ${delay} ms`)
        await sleep(delay)
      }
    }
  }

  private async send(name: WaasEndpointName, fields: Record<string, unknown>, dataSchema: z.ZodType): Promise<unknown> {
    const endpoint = WAAS_ENDPOINTS[name]
    // canonical inner request (§1.4): time in ms as a number, charset, version, then the endpoint fields
    const inner = { time: this.o.now(), charset: "UTF-8", version: "v2", ...fields }
    const check = endpoint.request.safeParse(inner)
    if (!check.success) throw new WaasRequestError(endpoint.path, formatIssues(check.error))
    const data = encryptEnvelope(JSON.stringify(inner), this.o.merchantKey)
    const raw = await this.transport.postForm(endpoint.path, this.o.basePath + endpoint.path, {
      app_id: this.o.appId,
      data,
    })
    return openResponse(endpoint.path, raw, dataSchema, this.o.waasKey)
  }
}
