import { ExactDecimal, formatDecimal, isWithdrawFinal, parseDecimal, WaasCode, WithdrawStatus } from "../src/protocol"
import type { Bucket } from "./balances"
import type { DepositBook } from "./deposits"
import { SimControlError, SimWaasError } from "./errors"
import type { LedgerContext } from "./ledger-context"
import { afterId } from "./paging"
import type { SimCoin, SimUser, SimWithdrawal, WithdrawalOutcomeOptions } from "./types"

/**
 * Withdrawals: validation and reservation while the merchant confirms, the record, and the status walk with its
 * balance effects.
 */

/** what a validated withdraw request holds while the merchant is asked to confirm it */
export interface PreparedWithdraw {
  appId: string
  requestId: string
  uid: number
  coin: SimCoin
  amount: ExactDecimal
  toAddress: string
  toUid?: number
  fundedBy: "user" | "company"
  settled: boolean
}

export interface WithdrawRequest {
  request_id: string
  from_uid: number
  to_address: string
  amount: string
  symbol: string
}

/**
 * Transitions of an on-chain (type 1) withdrawal. setOutcome walks the shortest path to the target, so 5 from 0 goes
 * 0 → 1 → 3 → 5. Final states (2, 4, 5, 6) have no way out.
 */
const NEXT: Readonly<Record<number, readonly number[]>> = {
  [WithdrawStatus.RISK_REVIEW]: [1, 2, 6, 7, 8],
  [WithdrawStatus.KYT_PENDING]: [1, 8, 2, 6],
  [WithdrawStatus.KYT_REVIEW_RISK]: [1, 2, 6],
  [WithdrawStatus.PAYING]: [3, 4, 6],
  [WithdrawStatus.BROADCAST]: [4, 5],
}

function path(from: number, to: number): number[] | undefined {
  const queue: number[][] = [[from]]
  const seen = new Set([from])
  while (queue.length) {
    const p = queue.shift() as number[]
    for (const next of NEXT[p[p.length - 1]] ?? []) {
      if (seen.has(next)) continue
      if (next === to) return [...p.slice(1), next]
      seen.add(next)
      queue.push([...p, next])
    }
  }
  return undefined
}

export class WithdrawalBook {
  private readonly withdrawals = new Map<number, SimWithdrawal>()
  private readonly requestIds = new Map<string, number>()
  private readonly inFlight = new Set<string>()
  private nextId = 1

  constructor(private readonly c: LedgerContext & { deposits: DepositBook }) {}

  private source(p: { appId: string; uid: number; fundedBy: "user" | "company" }, symbol: string): Bucket {
    return p.fundedBy === "company" ? this.c.balances.company(p.appId, symbol) : this.c.balances.user(p.uid, symbol)
  }

  /**
   * Validation order (undocumented upstream, chosen to be useful): duplicate request_id (110088) first, so a
   * replay is recognised whatever else changed; then user 110065, coin 120202, address 110055, decimals 110161,
   * minimum 110078, maximum 110087, amount ≤ fee 120404, balance 120402. The amount is reserved until
   * commit/abort so two concurrent calls cannot both spend it.
   */
  prepare(appId: string, req: WithdrawRequest): PreparedWithdraw {
    const ridKey = `${appId}|${req.request_id}`
    if (this.requestIds.has(ridKey) || this.inFlight.has(ridKey)) {
      throw new SimWaasError(WaasCode.DUPLICATE_REQUEST, `request_id ${req.request_id}`)
    }
    const user = this.c.directory.user(appId, req.from_uid)
    const coin = this.c.coins.get(req.symbol)
    if (!this.c.coins.matchesAddress(coin, req.to_address)) throw new SimWaasError(WaasCode.INVALID_ADDRESS, req.to_address)
    const dest = this.c.directory.addressOwner(req.to_address)
    let toUid: number | undefined
    if (dest && dest.ownerSymbol === this.c.coins.addressOwnerSymbol(coin)) {
      if (dest.uid === user.uid) throw new SimWaasError(WaasCode.INVALID_ADDRESS, "the destination is the sender's own address")
      toUid = dest.uid
    }
    let amount: ExactDecimal
    try {
      amount = parseDecimal(req.amount, { maxDecimals: coin.decimals })
    } catch {
      throw new SimWaasError(WaasCode.TOO_MANY_DECIMALS, `${coin.symbol} allows ${coin.decimals} decimals`)
    }
    if (amount.lt(coin.minWithdraw)) throw new SimWaasError(WaasCode.AMOUNT_BELOW_MIN, `minimum ${coin.minWithdraw}`)
    if (amount.gt(coin.maxWithdraw)) throw new SimWaasError(WaasCode.AMOUNT_ABOVE_MAX, `maximum ${coin.maxWithdraw}`)
    if (amount.lte(coin.withdrawFee)) throw new SimWaasError(WaasCode.AMOUNT_NOT_ABOVE_FEE, `fee ${coin.withdrawFee}`)
    const fundedBy = this.c.directory.merchant(appId)?.payoutUid === user.uid ? "company" : "user"
    const b = this.source({ appId, uid: user.uid, fundedBy }, coin.symbol)
    if (b.normal.minus(b.reserved).lt(amount)) throw new SimWaasError(WaasCode.INSUFFICIENT_BALANCE)
    b.reserved = b.reserved.plus(amount)
    this.inFlight.add(ridKey)
    return { appId, requestId: req.request_id, uid: user.uid, coin, amount, toAddress: req.to_address, toUid, fundedBy, settled: false }
  }

  /** the confirmation failed: release the reservation, create nothing */
  abort(p: PreparedWithdraw): void {
    if (p.settled) return
    p.settled = true
    const b = this.source(p, p.coin.symbol)
    b.reserved = b.reserved.minus(p.amount)
    this.inFlight.delete(`${p.appId}|${p.requestId}`)
  }

  commit(p: PreparedWithdraw): SimWithdrawal {
    if (p.settled) throw new Error("withdraw already settled")
    p.settled = true
    const ridKey = `${p.appId}|${p.requestId}`
    this.inFlight.delete(ridKey)
    const b = this.source(p, p.coin.symbol)
    b.reserved = b.reserved.minus(p.amount)
    b.normal = b.normal.minus(p.amount)
    const now = this.c.now()
    const id = this.nextId++
    const internal = p.toUid !== undefined
    const w: SimWithdrawal = {
      id,
      appId: p.appId,
      requestId: p.requestId,
      uid: p.uid,
      symbol: p.coin.symbol,
      amount: formatDecimal(p.amount),
      // internal transfers carry no service fee (v1 docs) and no chain fee
      withdrawFee: internal ? "0" : formatDecimal(p.coin.withdrawFee),
      withdrawFeeSymbol: p.coin.symbol,
      feeSymbol: p.coin.baseSymbol,
      realFee: "0",
      addressFrom: "",
      addressTo: p.toAddress,
      txid: "",
      confirmations: 0,
      saasStatus: internal ? 1 : 0,
      companyStatus: internal ? 1 : 0,
      status: 0,
      withdrawType: internal ? 2 : 1,
      fundedBy: p.fundedBy,
      toUid: p.toUid,
      createdAt: now,
      updatedAt: now,
    }
    this.withdrawals.set(id, w)
    this.requestIds.set(ridKey, id)
    if (internal) {
      // withdraw_type 2: settled at once (status 0 = success); the recipient gets a credited internal deposit
      this.c.hooks.withdrawalChanged({ ...w }, true)
      this.c.deposits.creditInternal({
        recipient: this.c.directory.anyUser(p.toUid as number) as SimUser,
        coin: p.coin,
        amount: w.amount,
        from: this.c.directory.existingAddress(p.uid, p.coin),
        to: p.toAddress,
        at: now,
      })
    } else {
      b.lock = b.lock.plus(p.amount)
      this.c.hooks.withdrawalChanged({ ...w }, false)
    }
    return { ...w }
  }

  /** a number is the WaaS id; a string is a request_id, or the id when no request_id matches and it is all digits */
  byRef(ref: number | string): SimWithdrawal {
    let w: SimWithdrawal | undefined
    if (typeof ref === "number") w = this.withdrawals.get(ref)
    else {
      w = [...this.withdrawals.values()].find((x) => x.requestId === ref)
      if (!w && /^\d+$/.test(ref)) w = this.withdrawals.get(Number(ref))
    }
    if (!w) throw new SimControlError(404, `unknown withdrawal ${ref}`)
    return w
  }

  setOutcome(ref: number | string, target: number, opts: WithdrawalOutcomeOptions = {}): SimWithdrawal {
    const w = this.byRef(ref)
    if (w.withdrawType === 2) throw new SimControlError(409, `withdrawal ${w.id} is an internal transfer, settled at once`)
    if (isWithdrawFinal(w.status)) throw new SimControlError(409, `withdrawal ${w.id} is final (status ${w.status})`)
    const steps = path(w.status, target)
    if (!steps) throw new SimControlError(409, `withdrawal ${w.id} cannot go from status ${w.status} to ${target}`)
    const coin = this.c.coins.get(w.symbol)
    let realFee: ExactDecimal | undefined
    if (opts.realFee !== undefined) {
      try {
        realFee = parseDecimal(opts.realFee, { maxDecimals: this.c.coins.get(coin.baseSymbol).decimals })
      } catch (e) {
        throw new SimControlError(400, `realFee: ${e instanceof Error ? e.message : String(e)}`)
      }
    }
    for (const status of steps) {
      w.status = status
      w.updatedAt = this.c.now()
      switch (status) {
        case WithdrawStatus.PAYING:
          w.saasStatus = 1
          w.companyStatus = 1
          break
        case WithdrawStatus.REJECTED:
          w.saasStatus = 2
          break
        case WithdrawStatus.BROADCAST:
          w.txid = opts.txid ?? this.c.allocator.txid(coin.addressFamily, `withdraw:${w.id}`)
          w.addressFrom = this.c.directory.hotWallet(w.appId, coin)
          break
        case WithdrawStatus.SUCCESS:
          w.confirmations = coin.depositConfirmation
          w.realFee = formatDecimal(realFee ?? coin.networkFee)
          break
      }
      const final = isWithdrawFinal(status)
      if (final) this.settle(w)
      this.c.hooks.withdrawalChanged({ ...w }, final)
    }
    return { ...w }
  }

  /** success: the locked amount leaves; any failure: it returns to the balance it came from */
  private settle(w: SimWithdrawal): void {
    const b = this.source(w, w.symbol)
    const amount = new ExactDecimal(w.amount)
    b.lock = b.lock.minus(amount)
    if (w.status !== WithdrawStatus.SUCCESS) b.normal = b.normal.plus(amount)
  }

  byRequestIds(appId: string, ids: string[]): SimWithdrawal[] {
    const out: SimWithdrawal[] = []
    for (const rid of ids) {
      const id = this.requestIds.get(`${appId}|${rid}`)
      const w = id === undefined ? undefined : this.withdrawals.get(id)
      if (w) out.push({ ...w })
    }
    return out
  }
  /** the stored record itself, for the reconciliation controls (record-controls.ts) */
  rawWithdrawal(id: number): SimWithdrawal {
    const w = this.withdrawals.get(id)
    if (!w) throw new SimControlError(404, `unknown withdrawal ${id}`)
    return w
  }
  after(appId: string, maxId: number, limit: number): SimWithdrawal[] {
    return afterId(this.withdrawals, appId, maxId, limit)
  }
  all(): SimWithdrawal[] {
    return [...this.withdrawals.values()].map((w) => ({ ...w }))
  }
}
