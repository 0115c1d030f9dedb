import { checkAddressEncoding, codecOf } from "../withdrawals/address-codecs"
import { checkDestination } from "../withdrawals/destination"

const ETH = { network: "ethereum" }
const BTC = { network: "bitcoin" }
const TRON = { network: "tron" }
const ok = (address: string, coin: { network: string; uriScheme?: string; chainId?: number }) => expect(() => checkAddressEncoding(address, coin)).not.toThrow()
const bad = (address: string, coin: { network: string; uriScheme?: string; chainId?: number }, why: RegExp) => {
  let err: any = null
  try {
    checkAddressEncoding(address, coin)
  } catch (e) {
    err = e
  }
  expect(err).not.toBeNull()
  expect(err.type).toBe("invalid_data")
  expect(err.message).toContain(`is not a valid ${coin.network} address`)
  expect(err.message).toMatch(why)
}

describe("refund addresses against their network's encoding", () => {
  it("chooses a codec from the coin's configuration", () => {
    expect(codecOf(ETH)).toBe("evm")
    expect(codecOf({ network: "polygon", uriScheme: "eip681" })).toBe("evm")
    expect(codecOf({ network: "bsc", uriScheme: "plain", chainId: 56 })).toBe("evm")
    expect(codecOf(BTC)).toBe("bitcoin")
    expect(codecOf(TRON)).toBe("tron")
    expect(codecOf({ network: "litecoin", uriScheme: "bip21" })).toBeNull()
    // no codec: anything the plugin's own checks allow passes here (the WaaS's regex still applies)
    ok("whatever", { network: "eos" })
  })

  it("EVM: EIP-55's examples, unchecksummed all-lower or all-upper case, a flipped letter refused", () => {
    for (const a of [
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
      "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
      "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
      "0x52908400098527886E0F7030069857D2E4169EE7",
      "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
      "0xde709f2102306220921060314715629080e2fb77",
      "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
      "0x000000000000000000000000000000000000dEaD",
    ]) ok(a, ETH)
    ok("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", { network: "polygon", uriScheme: "eip681" })
    bad("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", ETH, /EIP-55 checksum/)
    bad("0xfb6916095ca1df60bB79Ce92cE3Ea74c37c5d359", ETH, /EIP-55 checksum/)
    bad("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", ETH, /40 hex digits/)
    bad("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00", ETH, /40 hex digits/)
    bad("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", ETH, /40 hex digits/)
  })

  it("Bitcoin base58check: P2PKH and P2SH on mainnet; a changed character, testnet and other versions refused", () => {
    ok("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", BTC)
    ok("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", BTC)
    ok("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", BTC)
    bad("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", BTC, /checksum/)
    bad("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz", BTC, /checksum/)
    bad("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0", BTC, /base58check/) // 0 is not base58
    // testnet P2PKH (version 0x6f, the bitcoin wiki's example)
    bad("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", BTC, /testnet/)
    // a Tron address is base58check too, with another version byte
    bad("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", BTC, /version byte 0x41/)
  })

  it("Bitcoin segwit: BIP-173 and BIP-350 vectors", () => {
    for (const a of [
      "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
      "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
      "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
      "BC1SW50QGDZ25J",
      "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
    ]) ok(a, BTC)
    bad("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", BTC, /v0 address must be encoded in bech32, not bech32m/)
    bad("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", BTC, /v1 address must be encoded in bech32m, not bech32/)
    bad("bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", BTC, /all lower-case or all upper-case/)
    bad("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", BTC, /checksum/)
    bad("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", BTC, /witness version 17/)
    bad("bc1pw5dgrnzv", BTC, /2 to 40 bytes, not 1/)
    bad("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav", BTC, /2 to 40 bytes, not 41/)
    bad("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", BTC, /20 or 32 bytes, not 16/)
    bad("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", BTC, /padded/)
    bad("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", BTC, /testnet/)
  })

  it("Tron: base58check with version 0x41; an altered character refused", () => {
    ok("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", TRON)
    ok("TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7", TRON)
    bad("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", TRON, /checksum/)
    bad("TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU8", TRON, /checksum/)
    bad("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", TRON, /version byte 0x41/)
  })

  it("checkDestination applies the codec before the WaaS's regex, for a configured coin", () => {
    const loose = { addressRegex: /^0x[0-9a-fA-F]{40}$/, tagRegex: null, supportsMemo: false, withdrawFee: null }
    expect(checkDestination("ETH", { address: " 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed ", memo: null }, loose, ETH).address).toBe(
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    )
    expect(() => checkDestination("ETH", { address: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", memo: null }, loose, ETH)).toThrow(/not a valid ethereum address.*EIP-55/)
    // the regex still applies after the codec: a valid bech32 address the WaaS's regex does not know
    const docsBtc = { addressRegex: /^(1|3)[a-zA-Z0-9]{24,36}$/, tagRegex: null, supportsMemo: false, withdrawFee: null }
    expect(() => checkDestination("BTC", { address: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", memo: null }, docsBtc, BTC)).toThrow(/the WaaS accepts/)
    // without the WaaS's rules the codec still checks
    expect(() => checkDestination("BTC", { address: "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", memo: null }, null, BTC)).toThrow(/not a valid bitcoin address/)
  })
})
