import { generateWaasKeyPair } from "../../../../protocol"
import type { RawWaasOptions } from "../../options"

/** One merchant key pair for the whole test process (RSA generation costs ~100 ms). */
export const MERCHANT_KEYS = generateWaasKeyPair()
export const APP_ID = "a1b2c3d4e5f60718293a4b5c6d7e8f90"

/** a port nothing listens on: stands for "the WaaS is down" */
export const DEAD_WAAS = "http://127.0.0.1:9"

export const USDT_CONTRACT = "0xdAC17F958D2ee523a2206206994597C13D831ec7"

/** Plugin options as a store would write them; `waasPublicKey` is the simulator's when one runs. */
export function testOptions(overrides: Partial<RawWaasOptions> & { waasPublicKey?: string } = {}): RawWaasOptions {
  return {
    waasHost: DEAD_WAAS,
    appId: APP_ID,
    merchantPrivateKey: MERCHANT_KEYS.privateKey,
    // any valid key works while nothing verifies a response; the simulator tests pass the real one
    waasPublicKey: overrides.waasPublicKey ?? MERCHANT_KEYS.publicKey,
    connectTimeoutMs: 1_000,
    readTimeoutMs: 2_000,
    // well above a refused connection's time even on a loaded 2-core machine, so a dead WaaS surfaces as
    // "unreachable", not as this deadline (seen once under load: the deadline won the race)
    liveFetchTimeoutMs: 20_000,
    // a spec fills the pool itself when it wants one; a fill at boot would race its counts
    refillOnBoot: false,
    coins: [
      { symbol: "BTC", displayName: "Bitcoin", network: "bitcoin", decimals: 8, explorerUrl: "https://mempool.space/address/{address}", poolLowWatermark: 5, poolBatchSize: 10 },
      { symbol: "ETH", displayName: "Ether", network: "ethereum", decimals: 18, chainId: 1, explorerUrl: "https://etherscan.io", poolLowWatermark: 5, poolBatchSize: 10 },
      {
        symbol: "USDTERC20",
        displayName: "Tether (ERC-20)",
        network: "ethereum",
        decimals: 6,
        chainId: 1,
        contractAddress: USDT_CONTRACT,
        poolLowWatermark: 5,
        poolBatchSize: 10,
      },
      { symbol: "TRX", displayName: "Tron", network: "tron", decimals: 6, poolLowWatermark: 5, poolBatchSize: 10, enabled: false },
    ],
    defaultCoin: "USDTERC20",
    rateSource: {
      type: "fixed",
      rates: { BTC: { usd: "65000" }, ETH: { usd: "3000" }, USDTERC20: { usd: "1", eur: "0.92" } },
    },
    ...overrides,
  }
}
