import { DepositStatus, ExactDecimal, formatDecimal, isDepositFinal } from "../src/protocol"
import { parseCoinAmount } from "./coins"
import { SimControlError } from "./errors"
import type { LedgerContext } from "./ledger-context"
import { afterId, pickByIds } from "./paging"
import type { ChainDepositInput, KytMode, SimCoin, SimDeposit, SimMinerFee, SimUser } from "./types"

/**
 * Deposits from the chain to simulated addresses: confirmations, KYT review, crediting, and auto-collection with its
 * miner-fee records.
 */
const KYT_STATUS: Readonly<Record<KytMode, number | undefined>> = { none: undefined, pending: 4, risk: 5, breaker: 6 }

export class DepositBook {
  private readonly deposits = new Map<number, SimDeposit>()
  private readonly minerFees = new Map<number, SimMinerFee>()
  private nextId = 1
  private nextMinerFeeId = 1

  constructor(private readonly c: LedgerContext & { autoCollect: boolean }) {}

  chainDeposit(input: ChainDepositInput): SimDeposit {
    const owner = this.c.directory.addressOwner(input.address)
    if (!owner) throw new SimControlError(404, `${input.address} is not a simulated deposit address`)
    const user = this.c.directory.anyUser(owner.uid) as SimUser
    let coin: SimCoin
    if (input.symbol) {
      const named = this.c.coins.find(input.symbol)
      if (!named) throw new SimControlError(400, `unknown symbol ${input.symbol}`)
      if (this.c.coins.addressOwnerSymbol(named) !== owner.ownerSymbol) {
        throw new SimControlError(400, `${input.address} is a ${owner.ownerSymbol} address, it cannot receive ${named.symbol}`)
      }
      coin = named
    } else {
      // a shared address without a symbol receives the main-chain coin
      coin = this.c.coins.get(owner.ownerSymbol)
    }
    const amount = parseCoinAmount(input.amount, coin)
    const id = this.nextId
    const txid = input.txid ?? this.c.allocator.txid(coin.addressFamily, `deposit:${id}`)
    for (const d of this.deposits.values()) {
      if (!input.allowDuplicateTxid && d.txid === txid && d.addressTo === input.address && d.symbol === coin.symbol) {
        throw new SimControlError(409, `deposit ${d.id} already records ${coin.symbol} tx ${txid} to this address`)
      }
    }
    this.nextId++
    const now = input.createdAt ?? this.c.now()
    const d: SimDeposit = {
      id,
      appId: user.appId,
      uid: user.uid,
      symbol: coin.symbol,
      amount: formatDecimal(amount),
      addressFrom: input.from ?? this.c.allocator.external(coin.addressFamily, `sender:${id}`),
      addressTo: input.address,
      txid,
      confirmations: 0,
      requiredConfirmations: coin.depositConfirmation,
      status: DepositStatus.PENDING_CONFIRMATION,
      kyt: input.kyt ?? "none",
      internal: false,
      collected: false,
      createdAt: now,
      updatedAt: now,
      ...(input.silent && { silent: true }),
      ...(input.createdAt !== undefined && { fixedTime: true }),
    }
    this.deposits.set(id, d)
    this.c.hooks.depositChanged({ ...d }, false)
    return { ...d }
  }

  private byId(id: number): SimDeposit {
    const d = this.deposits.get(id)
    if (!d) throw new SimControlError(404, `unknown deposit ${id}`)
    return d
  }

  confirm(id: number, n = 1): SimDeposit {
    if (!Number.isInteger(n) || n < 1) throw new SimControlError(400, "n must be a positive integer")
    const d = this.byId(id)
    if (isDepositFinal(d.status)) throw new SimControlError(409, `deposit ${id} is final (status ${d.status})`)
    d.confirmations += n
    d.updatedAt = this.timeOf(d)
    if (d.status === DepositStatus.PENDING_CONFIRMATION && d.confirmations >= d.requiredConfirmations) {
      const review = KYT_STATUS[d.kyt]
      if (review === undefined) this.credit(d)
      else d.status = review
    }
    this.c.hooks.depositChanged({ ...d }, isDepositFinal(d.status))
    return { ...d }
  }

  releaseKyt(id: number, result: "pass" | "fail"): SimDeposit {
    const d = this.byId(id)
    if (![4, 5, 6].includes(d.status)) throw new SimControlError(409, `deposit ${id} is not in KYT review (status ${d.status})`)
    d.updatedAt = this.c.now()
    if (result === "pass") this.credit(d)
    else d.status = DepositStatus.FAILED
    this.c.hooks.depositChanged({ ...d }, true)
    return { ...d }
  }

  fail(id: number): SimDeposit {
    const d = this.byId(id)
    if (isDepositFinal(d.status)) throw new SimControlError(409, `deposit ${id} is final (status ${d.status})`)
    d.status = DepositStatus.FAILED
    d.updatedAt = this.c.now()
    this.c.hooks.depositChanged({ ...d }, true)
    return { ...d }
  }

  /**
   * The WaaS takes back a deposit it had reported credited (status 1, then 2: the protocol calls 2 final, but a
   * chain reorganisation or a late compliance decision can still undo a credit). The amount leaves the balance it
   * went to (the company account when auto-collected) and the final status is notified like any other.
   */
  reverse(id: number): SimDeposit {
    const d = this.byId(id)
    if (d.status !== DepositStatus.SUCCESS) {
      throw new SimControlError(409, `deposit ${id} is not credited (status ${d.status}); only a credited deposit can be reversed`)
    }
    const amount = new ExactDecimal(d.amount)
    const b = d.collected ? this.c.balances.company(d.appId, d.symbol) : this.c.balances.user(d.uid, d.symbol)
    b.normal = b.normal.minus(amount)
    d.status = DepositStatus.FAILED
    d.updatedAt = this.c.now()
    this.c.hooks.depositChanged({ ...d }, true)
    return { ...d }
  }

  /** the receiving side of an internal transfer: a deposit credited at once, with no chain transaction */
  creditInternal(t: { recipient: SimUser; coin: SimCoin; amount: string; from: string; to: string; at: number }): SimDeposit {
    const id = this.nextId++
    const d: SimDeposit = {
      id,
      appId: t.recipient.appId,
      uid: t.recipient.uid,
      symbol: t.coin.symbol,
      amount: t.amount,
      addressFrom: t.from,
      addressTo: t.to,
      txid: "",
      confirmations: 0,
      requiredConfirmations: t.coin.depositConfirmation,
      status: DepositStatus.PENDING_CONFIRMATION,
      kyt: "none",
      internal: true,
      collected: false,
      createdAt: t.at,
      updatedAt: t.at,
    }
    this.deposits.set(id, d)
    this.credit(d)
    this.c.hooks.depositChanged({ ...d }, true)
    return { ...d }
  }

  /** status 1: the amount reaches the user's normal balance, then (auto-collection) the company account */
  private credit(d: SimDeposit): void {
    d.status = DepositStatus.SUCCESS
    const amount = new ExactDecimal(d.amount)
    const b = this.c.balances.user(d.uid, d.symbol)
    b.normal = b.normal.plus(amount)
    if (!this.c.autoCollect) return
    b.normal = b.normal.minus(amount)
    const company = this.c.balances.company(d.appId, d.symbol)
    company.normal = company.normal.plus(amount)
    d.collected = true
    const coin = this.c.coins.get(d.symbol)
    // UTXO coins are spent straight from the deposit outputs and internal credits never touch the chain
    if (coin.model === "account" && !d.internal) this.recordCollectionFee(d, coin)
  }

  private recordCollectionFee(d: SimDeposit, coin: SimCoin): void {
    const base = this.c.coins.get(coin.baseSymbol)
    const now = this.timeOf(d)
    const id = this.nextMinerFeeId++
    this.minerFees.set(id, {
      id,
      appId: d.appId,
      uid: d.uid,
      depositId: d.id,
      symbol: coin.symbol,
      amount: d.amount,
      fee: formatDecimal(coin.collectionFee ?? "0"),
      baseSymbol: coin.baseSymbol === coin.symbol ? "" : coin.baseSymbol,
      contractAddress: coin.contractAddress ?? "",
      txid: this.c.allocator.txid(coin.addressFamily, `collect:${id}`),
      txidType: "0",
      confirmations: base.depositConfirmation,
      status: DepositStatus.SUCCESS,
      addressFrom: d.addressTo,
      addressTo: this.c.directory.hotWallet(d.appId, coin),
      createdAt: now,
      updatedAt: now,
    })
  }

  /** a deposit made at a given time keeps it: its confirmations and its sweep are recorded then too */
  private timeOf(d: SimDeposit): number {
    return d.fixedTime ? d.createdAt : this.c.now()
  }

  /** the stored record itself, for the reconciliation controls (record-controls.ts) */
  rawDeposit(id: number): SimDeposit {
    return this.byId(id)
  }
  rawMinerFee(id: number): SimMinerFee {
    const f = this.minerFees.get(id)
    if (!f) throw new SimControlError(404, `unknown miner fee ${id}`)
    return f
  }

  /** still gaining confirmations (for the auto-confirm timer) */
  isAwaitingConfirmations(id: number): boolean {
    return this.deposits.get(id)?.status === DepositStatus.PENDING_CONFIRMATION
  }

  byIds(appId: string, ids: string[]): SimDeposit[] {
    return pickByIds(this.deposits, appId, ids)
  }
  after(appId: string, maxId: number, limit: number): SimDeposit[] {
    return afterId(this.deposits, appId, maxId, limit)
  }
  minerFeesByIds(appId: string, ids: string[]): SimMinerFee[] {
    return pickByIds(this.minerFees, appId, ids)
  }
  minerFeesAfter(appId: string, maxId: number, limit: number): SimMinerFee[] {
    return afterId(this.minerFees, appId, maxId, limit)
  }
  all(): SimDeposit[] {
    return [...this.deposits.values()].map((d) => ({ ...d }))
  }
  allMinerFees(): SimMinerFee[] {
    return [...this.minerFees.values()].map((f) => ({ ...f }))
  }
}
