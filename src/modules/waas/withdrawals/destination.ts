import { MedusaError } from "@medusajs/framework/utils"
import type { CoinData } from "../../../protocol"
import type { ModuleDeps } from "../module-context"
import { checkAddressEncoding, type AddressNetwork } from "./address-codecs"

/**
 * Where a refund goes. The WaaS wants memo coins' destinations as `address_memo` (protocol §4.4); the
 * address must match the coin's `address_regex` from getCoinList, when the WaaS gives one, and the memo its
 * `address_tag_regex`. Before that, the address is checked against its network's own encoding (EIP-55, Bitcoin
 * base58check and bech32/bech32m, Tron base58check: `address-codecs.ts`) when the coin is configured. Every refusal is an INVALID_DATA (HTTP 400) naming what to fix.
 */

/** what getCoinList says about withdrawing a coin; fields absent when the WaaS gave none */
export interface CoinRules {
  addressRegex: RegExp | null
  tagRegex: RegExp | null
  supportsMemo: boolean
  /** the service fee, when the coin data carries one (not documented; some deployments may) */
  withdrawFee: string | null
}

const RULES_TTL_MS = 10 * 60_000

function compile(source: string | undefined): RegExp | null {
  if (!source) return null
  try {
    return new RegExp(source)
  } catch {
    // a regex JavaScript cannot read is no rule at all, rather than a refusal of every address
    return null
  }
}

function rulesOf(coin: CoinData): CoinRules {
  const fee = (coin as Record<string, unknown>).withdraw_fee
  return {
    addressRegex: compile(coin.address_regex),
    tagRegex: compile(coin.address_tag_regex),
    supportsMemo: coin.support_memo === true,
    withdrawFee: typeof fee === "string" && /^\d+(\.\d+)?$/.test(fee) ? fee : null,
  }
}

/** getCoinList's withdrawal rules, cached for ten minutes; unknown (null) when the WaaS cannot be asked. */
export class CoinRulesCache {
  private cache: { at: number; rules: Map<string, CoinRules> } | null = null

  constructor(private readonly deps: ModuleDeps) {}

  async rulesFor(symbol: string): Promise<CoinRules | null> {
    const now = this.deps.now().getTime()
    if (!this.cache || now - this.cache.at > RULES_TTL_MS) {
      try {
        const coins = await this.deps.client().getCoinList()
        this.cache = { at: now, rules: new Map(coins.map((c) => [c.symbol, rulesOf(c)])) }
      } catch (e) {
        this.deps.logger.warn(
          `medusa-plugin-waas: getCoinList failed (${(e as Error).message}); refund addresses are checked without the WaaS's address_regex`,
        )
        return null
      }
    }
    return this.cache.rules.get(symbol) ?? null
  }
}

export interface Destination {
  address: string
  memo: string | null
}

const invalid = (message: string) => new MedusaError(MedusaError.Types.INVALID_DATA, message)

/** Checks a destination for a coin (configured as `coin`, when it is); returns it trimmed. */
export function checkDestination(symbol: string, input: Destination, rules: CoinRules | null, coin: AddressNetwork | null = null): Destination {
  const address = input.address.trim()
  const memo = input.memo?.trim() || null
  if (address.length === 0 || address.length > 200 || /\s/.test(address)) {
    throw invalid(`the destination address for ${symbol} must be one word of at most 200 characters`)
  }
  if (memo !== null) {
    if (rules && !rules.supportsMemo) throw invalid(`${symbol} takes no memo or tag: leave the memo empty`)
    if (memo.length > 64 || /[\s_]/.test(memo)) throw invalid("the memo must be at most 64 characters, without spaces or underscores")
    if (rules?.tagRegex && !rules.tagRegex.test(memo)) throw invalid(`the memo does not have the form the WaaS expects for ${symbol}`)
  }
  if (memo !== null && address.includes("_")) throw invalid("an address with a memo cannot contain an underscore (the WaaS joins them with one)")
  if (coin) checkAddressEncoding(address, coin)
  if (rules?.addressRegex && !rules.addressRegex.test(address)) {
    throw invalid(`"${address}" is not a ${symbol} address the WaaS accepts (it does not match the coin's address format)`)
  }
  return { address, memo }
}

/** the `to_address` the WaaS is sent (and echoes in the second confirmation) */
export function wireAddress(d: { to_address: string | null; memo: string | null }): string {
  if (!d.to_address) throw new Error("a withdrawal without a destination cannot be sent")
  return d.memo ? `${d.to_address}_${d.memo}` : d.to_address
}
