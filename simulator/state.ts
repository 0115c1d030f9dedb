import type { ExactDecimal } from "../src/protocol"
import type { AddressAllocator } from "./addresses"
import { Balances } from "./balances"
import { parseCoinAmount, type CoinBook } from "./coins"
import { DepositBook } from "./deposits"
import { Directory } from "./directory"
import { SimControlError } from "./errors"
import type { LedgerContext, StateHooks } from "./ledger-context"
import type { SimBalance, SimCoin, SimCompanyBalance, SimStateSnapshot } from "./types"
import { WithdrawalBook } from "./withdrawals"

/**
 * The simulated WaaS ledger, assembled: who exists (directory), what they hold (balances), and the deposit and
 * withdrawal books that move money. No I/O: the HTTP layer and the notifier sit around it and hear about record
 * changes through the hooks.
 */
export type { StateHooks } from "./ledger-context"

export interface StateOptions {
  coins: CoinBook
  allocator: AddressAllocator
  now: () => number
  userCap: number
  autoCollect: boolean
  hooks: StateHooks
}

export class SimState {
  readonly coins: CoinBook
  readonly directory: Directory
  readonly balances = new Balances()
  readonly deposits: DepositBook
  readonly withdrawals: WithdrawalBook

  constructor(private readonly o: StateOptions) {
    this.coins = o.coins
    this.directory = new Directory({ coins: o.coins, allocator: o.allocator, now: o.now, userCap: o.userCap })
    const ctx: LedgerContext = {
      coins: o.coins,
      allocator: o.allocator,
      now: o.now,
      hooks: o.hooks,
      directory: this.directory,
      balances: this.balances,
    }
    this.deposits = new DepositBook({ ...ctx, autoCollect: o.autoCollect })
    this.withdrawals = new WithdrawalBook({ ...ctx, deposits: this.deposits })
  }

  /** getByUidAndSymbol: a merchant's own user only; the address only if one was allocated */
  userBalance(appId: string, uid: number, symbol: string): { normal: ExactDecimal; lock: ExactDecimal; address: string; coin: SimCoin } {
    this.directory.user(appId, uid)
    const coin = this.coins.get(symbol)
    const b = this.balances.user(uid, coin.symbol)
    return { normal: b.normal, lock: b.lock, address: this.directory.existingAddress(uid, coin), coin }
  }

  companyBalance(appId: string, symbol: string): { coin: SimCoin; balance: ExactDecimal } {
    const coin = this.coins.get(symbol)
    return { coin, balance: this.balances.company(appId, coin.symbol).normal }
  }

  /** control: credit a uid (any merchant's) or a company account (appId defaults to the first merchant) */
  fund(target: number | "company", symbol: string, amount: string, appId?: string): SimBalance | SimCompanyBalance {
    const coin = this.coins.find(symbol)
    if (!coin) throw new SimControlError(400, `unknown symbol ${symbol}`)
    const value = parseCoinAmount(amount, coin)
    if (target === "company") {
      const merchant = appId ? this.directory.merchant(appId) : this.directory.firstMerchant()
      if (!merchant) throw new SimControlError(404, appId ? `unknown appId ${appId}` : "no merchant configured")
      const b = this.balances.company(merchant.appId, coin.symbol)
      b.normal = b.normal.plus(value)
      return this.balances.companyView(merchant.appId, coin.symbol)
    }
    const u = this.directory.anyUser(target)
    if (!u) throw new SimControlError(404, `unknown uid ${target}`)
    const b = this.balances.user(u.uid, coin.symbol)
    b.normal = b.normal.plus(value)
    return this.balances.userView(u.uid, coin.symbol)
  }

  snapshot(): SimStateSnapshot {
    return {
      now: this.o.now(),
      merchants: this.directory.allMerchants(),
      users: this.directory.allUsers(),
      addresses: this.directory.issuedAddresses(),
      balances: this.balances.userViews(),
      company: this.balances.companyViews(),
      deposits: this.deposits.all(),
      withdrawals: this.withdrawals.all(),
      minerFees: this.deposits.allMinerFees(),
    }
  }
}
