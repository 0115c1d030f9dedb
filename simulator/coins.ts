import { isDecimalString, parseDecimal, WaasCode, type ExactDecimal } from "../src/protocol"
import { SimControlError, SimWaasError } from "./errors"
import type { SimCoin } from "./types"

/**
 * The default coin set: one UTXO coin and two account-model chains with a USDT token each, which covers every
 * behaviour that differs per coin (shared token addresses, collection fees in the base coin, no collection for
 * UTXO). Fees and limits are plausible, not ChainUp's.
 */
const EVM_REGEX = "^0x[0-9a-fA-F]{40}$"
const TRON_REGEX = "^T[1-9A-HJ-NP-Za-km-z]{33}$"
// bech32 (bc1…) or legacy base58 (1…/3…)
const BTC_REGEX = "^(bc1[02-9ac-hj-np-z]{39,59}|[13][1-9A-HJ-NP-Za-km-z]{25,34})$"

export const DEFAULT_COINS: readonly SimCoin[] = [
  {
    symbol: "BTC",
    name: "Bitcoin",
    decimals: 8,
    baseSymbol: "BTC",
    depositConfirmation: 2,
    addressFamily: "btc",
    addressRegex: BTC_REGEX,
    model: "utxo",
    withdrawFee: "0.0002",
    minWithdraw: "0.001",
    maxWithdraw: "100",
    networkFee: "0.00005",
    explorer: "https://mempool.space/tx/",
  },
  {
    symbol: "ETH",
    name: "Ethereum",
    decimals: 18,
    baseSymbol: "ETH",
    depositConfirmation: 12,
    addressFamily: "evm",
    addressRegex: EVM_REGEX,
    model: "account",
    withdrawFee: "0.002",
    minWithdraw: "0.01",
    maxWithdraw: "1000",
    networkFee: "0.00042",
    collectionFee: "0.00021",
    explorer: "https://etherscan.io/tx/",
  },
  {
    symbol: "USDTERC20",
    realSymbol: "USDT",
    name: "Tether USD (ERC20)",
    decimals: 6,
    baseSymbol: "ETH",
    contractAddress: "0xdac17f958d2ee523a2206206994597c13d831ec7",
    depositConfirmation: 12,
    addressFamily: "evm",
    addressRegex: EVM_REGEX,
    model: "account",
    withdrawFee: "3",
    minWithdraw: "10",
    maxWithdraw: "1000000",
    networkFee: "0.0012",
    collectionFee: "0.00065",
    mergeAddressSymbol: "ETH",
    explorer: "https://etherscan.io/tx/",
  },
  {
    symbol: "TRX",
    name: "TRON",
    decimals: 6,
    baseSymbol: "TRX",
    depositConfirmation: 20,
    addressFamily: "tron",
    addressRegex: TRON_REGEX,
    model: "account",
    withdrawFee: "1",
    minWithdraw: "10",
    maxWithdraw: "10000000",
    networkFee: "1.1",
    collectionFee: "0.27",
    explorer: "https://tronscan.org/#/transaction/",
  },
  {
    symbol: "USDTTRC20",
    realSymbol: "USDT",
    name: "Tether USD (TRC20)",
    decimals: 6,
    baseSymbol: "TRX",
    contractAddress: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    depositConfirmation: 20,
    addressFamily: "tron",
    addressRegex: TRON_REGEX,
    model: "account",
    withdrawFee: "1",
    minWithdraw: "10",
    maxWithdraw: "1000000",
    networkFee: "13.4",
    collectionFee: "6.7",
    mergeAddressSymbol: "TRX",
    explorer: "https://tronscan.org/#/transaction/",
  },
]

/** Checks a coin set once at start, so a typo in a test's custom coin fails loudly instead of misbehaving later. */
function validateCoins(coins: readonly SimCoin[]): void {
  const seen = new Set<string>()
  for (const c of coins) {
    const key = c.symbol.toUpperCase()
    if (seen.has(key)) throw new Error(`duplicate coin ${c.symbol}`)
    seen.add(key)
    if (!Number.isInteger(c.decimals) || c.decimals < 0 || c.decimals > 36) throw new Error(`${c.symbol}: bad decimals`)
    if (!Number.isInteger(c.depositConfirmation) || c.depositConfirmation < 1) {
      throw new Error(`${c.symbol}: depositConfirmation must be a positive integer`)
    }
    for (const [name, v] of Object.entries({
      withdrawFee: c.withdrawFee,
      minWithdraw: c.minWithdraw,
      maxWithdraw: c.maxWithdraw,
      networkFee: c.networkFee,
      collectionFee: c.collectionFee ?? "0",
    })) {
      if (!isDecimalString(v)) throw new Error(`${c.symbol}: ${name} is not a decimal string`)
    }
    new RegExp(c.addressRegex)
  }
  for (const c of coins) {
    if (c.mergeAddressSymbol && !seen.has(c.mergeAddressSymbol.toUpperCase())) {
      throw new Error(`${c.symbol}: mergeAddressSymbol ${c.mergeAddressSymbol} is not a coin`)
    }
    if (!seen.has(c.baseSymbol.toUpperCase())) throw new Error(`${c.symbol}: baseSymbol ${c.baseSymbol} is not a coin`)
  }
}

export class CoinBook {
  private readonly bySymbol = new Map<string, SimCoin>()
  private readonly regexes = new Map<string, RegExp>()
  constructor(readonly coins: readonly SimCoin[]) {
    validateCoins(coins)
    for (const c of coins) {
      this.bySymbol.set(c.symbol.toUpperCase(), c)
      this.regexes.set(c.symbol, new RegExp(c.addressRegex))
    }
  }

  /** Symbols are matched case-insensitively: a published request sample sends "eth" for ETH (§4.5, R3). */
  find(symbol: string): SimCoin | undefined {
    return this.bySymbol.get(symbol.toUpperCase())
  }

  get(symbol: string): SimCoin {
    const coin = this.find(symbol)
    if (!coin) throw new SimWaasError(WaasCode.COIN_NOT_SUPPORTED, symbol)
    return coin
  }

  /** the symbol whose deposit address this coin uses */
  addressOwnerSymbol(coin: SimCoin): string {
    return coin.mergeAddressSymbol ? this.get(coin.mergeAddressSymbol).symbol : coin.symbol
  }

  matchesAddress(coin: SimCoin, address: string): boolean {
    return (this.regexes.get(coin.symbol) as RegExp).test(address)
  }
}

/** the getCoinList element: every value a string, as in the docs' example (§2.4) */
export function coinToWire(coin: SimCoin): Record<string, string> {
  return {
    symbol: coin.symbol,
    icon: coin.icon ?? "",
    real_symbol: coin.realSymbol ?? coin.symbol,
    decimals: String(coin.decimals),
    name: coin.name,
    base_symbol: coin.baseSymbol,
    contract_address: coin.contractAddress ?? "",
    deposit_confirmation: String(coin.depositConfirmation),
    explorer: coin.explorer ?? "",
    address_regex: coin.addressRegex,
    address_tag_regex: "",
    support_memo: "0",
    // the docs leave support_token empty for tokens, "1"/"0" for main chains
    support_token: coin.baseSymbol === coin.symbol ? (coin.model === "account" ? "1" : "0") : "",
    merge_address_symbol: coin.mergeAddressSymbol ?? "",
  }
}

/** a positive amount given through the control API, within the coin's decimals (400 otherwise) */
export function parseCoinAmount(text: string, coin: SimCoin): ExactDecimal {
  try {
    return parseDecimal(text, { maxDecimals: coin.decimals, allowZero: false })
  } catch (e) {
    throw new SimControlError(400, `amount for ${coin.symbol}: ${e instanceof Error ? e.message : String(e)}`)
  }
}
