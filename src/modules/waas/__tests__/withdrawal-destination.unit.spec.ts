import { checkDestination, wireAddress, type CoinRules } from "../withdrawals/destination"

/** The address_regex values the WaaS publishes in getCoinList (the docs' BTC example, and the shapes of EVM and Tron). */
const rules = (addressRegex: string, tag: { tagRegex?: string; memo?: boolean } = {}): CoinRules => ({
  addressRegex: new RegExp(addressRegex),
  tagRegex: tag.tagRegex ? new RegExp(tag.tagRegex) : null,
  supportsMemo: tag.memo ?? false,
  withdrawFee: null,
})
const DOCS_BTC = rules("^(1|3)[a-zA-Z0-9]{24,36}$")
const EVM = rules("^0x[0-9a-fA-F]{40}$")
const TRON = rules("^T[1-9A-HJ-NP-Za-km-z]{33}$")
const EOS = rules("^[a-z1-5.]{1,12}$", { tagRegex: "^[0-9]{1,20}$", memo: true })

describe("refund destinations against the WaaS's address rules", () => {
  it("accepts published addresses of each shape", () => {
    // the Bitcoin whitepaper-era genesis address and a BIP-13 P2SH example
    expect(checkDestination("BTC", { address: "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", memo: null }, DOCS_BTC).address).toBe("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    expect(checkDestination("BTC", { address: "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", memo: null }, DOCS_BTC).address).toBe("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")
    // EIP-55's own test vectors
    for (const a of ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"]) {
      expect(checkDestination("ETH", { address: ` ${a} `, memo: null }, EVM)).toEqual({ address: a, memo: null })
    }
    // the USDT-TRC20 contract's address
    expect(checkDestination("TRX", { address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", memo: null }, TRON).address).toBe("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
  })

  it("refuses what the coin's address format does not allow, naming the coin", () => {
    // the docs' regex knows no bech32: a store on such a WaaS cannot refund to bc1… (the WaaS would refuse it too)
    expect(() => checkDestination("BTC", { address: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", memo: null }, DOCS_BTC)).toThrow(/is not a BTC address the WaaS accepts/)
    expect(() => checkDestination("ETH", { address: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", memo: null }, EVM)).toThrow(/not a ETH address/)
    expect(() => checkDestination("TRX", { address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj60", memo: null }, TRON)).toThrow(/not a TRX address/)
    expect(() => checkDestination("ETH", { address: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed 0x1", memo: null }, EVM)).toThrow(/one word/)
    expect(() => checkDestination("ETH", { address: "", memo: null }, null)).toThrow(/one word/)
  })

  it("memos: only for memo coins, in the tag format, joined as address_memo on the wire", () => {
    const d = checkDestination("EOS", { address: "waaswaaseos", memo: "24545" }, EOS)
    expect(wireAddress({ to_address: d.address, memo: d.memo })).toBe("waaswaaseos_24545")
    expect(() => checkDestination("EOS", { address: "waaswaaseos", memo: "abc" }, EOS)).toThrow(/memo does not have the form/)
    expect(() => checkDestination("ETH", { address: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", memo: "1" }, EVM)).toThrow(/takes no memo/)
    expect(() => checkDestination("EOS", { address: "a_b", memo: "1" }, null)).toThrow(/underscore/)
    expect(wireAddress({ to_address: "0xabc", memo: null })).toBe("0xabc")
  })

  it("without the WaaS's rules (getCoinList unreachable) only the plugin's own checks apply", () => {
    expect(checkDestination("BTC", { address: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", memo: null }, null).address).toBe("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")
  })
})
