import type { AddressAllocator } from "./addresses"
import type { Balances } from "./balances"
import type { CoinBook } from "./coins"
import type { Directory } from "./directory"
import type { SimDeposit, SimWithdrawal } from "./types"

/** What the parts of the simulated ledger share. No I/O: record changes are reported through `hooks`. */
export interface StateHooks {
  depositChanged(d: SimDeposit, final: boolean): void
  withdrawalChanged(w: SimWithdrawal, final: boolean): void
}

export interface LedgerContext {
  coins: CoinBook
  allocator: AddressAllocator
  now: () => number
  hooks: StateHooks
  directory: Directory
  balances: Balances
}
