import { MedusaError } from "@medusajs/framework/utils"
import type { CoinConfig, WaasOptions } from "../options"
import type { PublicCoin } from "../types"

/** The configured coins, as the checkout offers them. */
export class Coins {
  constructor(private readonly options: WaasOptions) {}

  listEnabled(): PublicCoin[] {
    return this.options.coins
      .filter((c) => c.enabled)
      .map((c) => ({
        symbol: c.symbol,
        displayName: c.displayName,
        network: c.network,
        decimals: c.decimals,
        explorerUrl: c.explorerUrl ?? null,
      }))
  }

  find(symbol: string): CoinConfig | undefined {
    return this.options.coins.find((c) => c.symbol === symbol)
  }

  /** the coin asked for (the defaultCoin when none), refused with a message naming the accepted ones */
  requireEnabled(symbol: string | undefined): CoinConfig {
    const wanted = symbol ?? this.options.defaultCoin
    const coin = this.find(wanted)
    if (!coin || !coin.enabled) {
      const enabled = this.options.coins.filter((c) => c.enabled).map((c) => c.symbol)
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `unknown or disabled coin "${wanted}"; this store accepts ${enabled.join(", ")}`,
      )
    }
    return coin
  }
}
