import type { RawWaasOptions } from "../../src/modules/waas/options"

/**
 * Plugin options pointing at a running WaaS simulator, shared by the HTTP spec and the demo.
 * The default rates are fixed and deliberately not round (a USDT at 0.9997 USD), so "fiat / rate,
 * rounded up to the coin's decimals" shows in every amount due; the spec swaps in an HTTP rate
 * source it can make fail for one coin.
 */
export type SimulatorEndpoint = {
  url: string
  pathPrefix: string
  walletPublicKey: string
}

export type MerchantCredentials = { appId: string; merchantPrivateKey: string }

export const FIXED_USD_RATES: Record<string, string> = {
  USDTERC20: "0.9997",
  ETH: "3456.78",
  BTC: "97123.45",
  TRX: "0.2468",
}

export function fixedUsdRateSource(): RawWaasOptions["rateSource"] {
  const rates = Object.fromEntries(
    Object.entries(FIXED_USD_RATES).map(([symbol, usd]) => [symbol, { usd }])
  )
  return { type: "fixed", rates }
}

export function waasPluginOptions(
  simulator: SimulatorEndpoint,
  merchant: MerchantCredentials,
  { rateSource = fixedUsdRateSource(), poolBatchSize = 3, refillOnBoot = false } = {}
): RawWaasOptions {
  const pool = { poolLowWatermark: poolBatchSize, poolBatchSize }
  return {
    waasHost: simulator.url,
    pathPrefix: simulator.pathPrefix,
    appId: merchant.appId,
    merchantPrivateKey: merchant.merchantPrivateKey,
    waasPublicKey: simulator.walletPublicKey,
    defaultCoin: "USDTERC20",
    // the specs fill the pool themselves (a fill at boot would race their counts); the demo turns it on
    refillOnBoot,
    coins: [
      {
        symbol: "USDTERC20",
        displayName: "Tether USD (ERC-20)",
        network: "ethereum",
        decimals: 6,
        chainId: 1,
        // without the token contract an EIP-681 URI would ask the wallet for ether, not USDT
        contractAddress: "0xdAC17F958D2ee523a2206206994597C13D831ec7",
        explorerUrl: "https://etherscan.io",
        ...pool,
      },
      {
        symbol: "ETH",
        displayName: "Ether",
        network: "ethereum",
        decimals: 18,
        chainId: 1,
        explorerUrl: "https://etherscan.io",
        ...pool,
      },
      {
        symbol: "BTC",
        displayName: "Bitcoin",
        network: "bitcoin",
        decimals: 8,
        explorerUrl: "https://mempool.space",
        ...pool,
      },
    ],
    rateSource,
  }
}
