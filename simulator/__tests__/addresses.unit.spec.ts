import { AddressAllocator, base58CheckVerify, bech32Verify, btcSegwitAddress, tronAddress } from "../addresses"
import { CoinBook, DEFAULT_COINS } from "../coins"

const seed = Buffer.from("test seed")

describe("address formats", () => {
  it("encodes the BIP-173 P2WPKH test vector", () => {
    const program = Buffer.from("751e76e8199196d454941c45d1b3a323f1433bd6", "hex")
    expect(btcSegwitAddress(program)).toBe("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
  })

  it("encodes a real TRON address (the USDT-TRC20 contract)", () => {
    expect(tronAddress(Buffer.from("a614f803b6fd780986a42c78ec9c7f77e6ded13c", "hex"))).toBe("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
  })

  it("the checksum verifiers reject a changed character", () => {
    expect(bech32Verify("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")).toBe(true)
    expect(bech32Verify("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")).toBe(false)
    expect(base58CheckVerify("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")).toBe(true)
    expect(base58CheckVerify("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u")).toBe(false)
  })
})

describe("AddressAllocator", () => {
  const coins = new CoinBook(DEFAULT_COINS)

  it("gives every default coin addresses that match its address_regex and carry valid checksums", () => {
    const alloc = new AddressAllocator(seed)
    for (const coin of DEFAULT_COINS) {
      for (let i = 0; i < 20; i++) {
        const a = alloc.allocate(coin.addressFamily, `${coin.symbol}:${i}`)
        expect(coins.matchesAddress(coin, a)).toBe(true)
        if (coin.addressFamily === "btc") expect(bech32Verify(a)).toBe(true)
        if (coin.addressFamily === "tron") expect(base58CheckVerify(a)).toBe(true)
        if (coin.addressFamily === "evm") expect(a).toMatch(/^0x[0-9a-f]{40}$/)
      }
    }
  })

  it("is deterministic per seed and label, and differs across seeds", () => {
    const a = new AddressAllocator(seed).allocate("evm", "user:10001:ETH")
    const b = new AddressAllocator(seed).allocate("evm", "user:10001:ETH")
    const c = new AddressAllocator(Buffer.from("other seed")).allocate("evm", "user:10001:ETH")
    expect(a).toBe(b)
    expect(c).not.toBe(a)
  })

  it("never hands out the same address twice, even for a repeated label", () => {
    const alloc = new AddressAllocator(seed)
    const all = new Set<string>()
    for (let i = 0; i < 200; i++) all.add(alloc.allocate("tron", i % 2 === 0 ? "same" : `label ${i}`))
    expect(all.size).toBe(200)
  })

  it("makes txids in each chain's format", () => {
    const alloc = new AddressAllocator(seed)
    expect(alloc.txid("evm", "x")).toMatch(/^0x[0-9a-f]{64}$/)
    expect(alloc.txid("btc", "x")).toMatch(/^[0-9a-f]{64}$/)
    expect(alloc.txid("tron", "x")).toMatch(/^[0-9a-f]{64}$/)
  })
})
