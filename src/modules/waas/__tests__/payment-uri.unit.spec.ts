import { parseDecimal } from "../../../protocol"
import { buildExplorerUrl, buildPaymentUri, buildTxExplorerUrl, explorerTxTemplate, toSmallestUnits } from "../checkout/payment-uri"

const ETH_ADDRESS = "0x6956f9af53b22117f2fc94dfe7c74ff3893b2acd"
const USDT = "0xdAC17F958D2ee523a2206206994597C13D831ec7"

describe("buildPaymentUri", () => {
  it("BIP21 for bitcoin-like coins: the amount in whole coins", () => {
    expect(
      buildPaymentUri({ scheme: "bip21", network: "bitcoin", address: "bc1qexampleaddress", amount: "0.00153847", decimals: 8 }),
    ).toBe("bitcoin:bc1qexampleaddress?amount=0.00153847")
    // canonical decimals: no trailing zeros, no exponent
    expect(buildPaymentUri({ scheme: "bip21", network: "litecoin", address: "ltc1qx", amount: "2.50000000", decimals: 8 })).toBe(
      "litecoin:ltc1qx?amount=2.5",
    )
    expect(buildPaymentUri({ scheme: "bip21", network: "bitcoin", address: "bc1qx", amount: "0.00000001", decimals: 8 })).toBe(
      "bitcoin:bc1qx?amount=0.00000001",
    )
  })

  it("EIP-681 for ether: the value in wei as an integer, with the chain id", () => {
    expect(
      buildPaymentUri({ scheme: "eip681", network: "ethereum", address: ETH_ADDRESS, amount: "0.1", decimals: 18, chainId: 1 }),
    ).toBe(`ethereum:${ETH_ADDRESS}@1?value=100000000000000000`)
    expect(
      buildPaymentUri({ scheme: "eip681", network: "ethereum", address: ETH_ADDRESS, amount: "0.000333333333333334", decimals: 18 }),
    ).toBe(`ethereum:${ETH_ADDRESS}?value=333333333333334`)
  })

  it("EIP-681 for an ERC-20 token: transfer on the contract, amount in the token's smallest units", () => {
    expect(
      buildPaymentUri({
        scheme: "eip681",
        network: "ethereum",
        address: ETH_ADDRESS,
        amount: "12.5",
        decimals: 6,
        chainId: 1,
        contractAddress: USDT,
      }),
    ).toBe(`ethereum:${USDT}@1/transfer?address=${ETH_ADDRESS}&uint256=12500000`)
  })

  it("plain form otherwise: <network>:<address>?amount=…&memo=…, URL-encoded", () => {
    expect(buildPaymentUri({ scheme: "plain", network: "tron", address: "TXYZ123", amount: "15.25", decimals: 6 })).toBe(
      "tron:TXYZ123?amount=15.25",
    )
    expect(buildPaymentUri({ scheme: "plain", network: "eos", address: "waas eos", memo: "24545&x", amount: "1", decimals: 4 })).toBe(
      "eos:waas%20eos?amount=1&memo=24545%26x",
    )
  })

  it("refuses an amount with more fraction digits than the coin has (it would not be an integer in base units)", () => {
    expect(() =>
      buildPaymentUri({ scheme: "eip681", network: "ethereum", address: ETH_ADDRESS, amount: "1.0000001", decimals: 6, contractAddress: USDT }),
    ).toThrow(/more than 6 fraction digits/)
  })
})

describe("toSmallestUnits", () => {
  it("scales exactly, far beyond 2^53", () => {
    expect(toSmallestUnits(parseDecimal("123456789.123456789123456789"), 18)).toBe("123456789123456789123456789")
    expect(toSmallestUnits(parseDecimal("0"), 8)).toBe("0")
    expect(() => toSmallestUnits(parseDecimal("0.123"), 2)).toThrow(RangeError)
  })
})

describe("buildExplorerUrl", () => {
  it("fills an {address} placeholder or appends /address/<addr> to a base URL", () => {
    expect(buildExplorerUrl("https://mempool.space/address/{address}", "bc1qx")).toBe("https://mempool.space/address/bc1qx")
    expect(buildExplorerUrl("https://etherscan.io/", ETH_ADDRESS)).toBe(`https://etherscan.io/address/${ETH_ADDRESS}`)
    expect(buildExplorerUrl("https://etherscan.io/tx/{txid}", ETH_ADDRESS)).toBeNull()
    expect(buildExplorerUrl(undefined, ETH_ADDRESS)).toBeNull()
  })
})

describe("buildTxExplorerUrl", () => {
  it("fills a {txid} placeholder, turns an address page into a transaction page, or appends /tx/<txid> to a base URL", () => {
    expect(buildTxExplorerUrl("https://etherscan.io/tx/{txid}", "0xabc")).toBe("https://etherscan.io/tx/0xabc")
    expect(buildTxExplorerUrl("https://mempool.space/address/{address}", "f00d")).toBe("https://mempool.space/tx/f00d")
    expect(buildTxExplorerUrl("https://etherscan.io/", "0xabc")).toBe("https://etherscan.io/tx/0xabc")
    expect(explorerTxTemplate("https://tronscan.org/#/address/{address}")).toBe("https://tronscan.org/#/tx/{txid}")
    expect(explorerTxTemplate("https://example.com/a?addr={address}")).toBeNull()
    expect(buildTxExplorerUrl(undefined, "0xabc")).toBeNull()
    expect(buildTxExplorerUrl("https://etherscan.io", "")).toBeNull()
  })
})
