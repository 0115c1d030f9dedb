import { MedusaError } from "@medusajs/framework/utils"
import { sha256 } from "@noble/hashes/sha2"
import { keccak_256 } from "@noble/hashes/sha3"
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils"
import { bech32, bech32m, createBase58check } from "@scure/base"

/**
 * A refund's destination checked against its network's own address encoding, before the WaaS's
 * `address_regex` (which still applies): a typo caught here is a 400, not coins sent nowhere.
 *
 * - EVM: network "ethereum", or any coin configured as EVM (`uriScheme: "eip681"` or a `chainId`): `0x` +
 *   40 hex digits; all-lowercase or all-uppercase digits are accepted unchecksummed, mixed case must pass
 *   the EIP-55 checksum (keccak-256).
 * - Bitcoin (network "bitcoin"), mainnet only (the options have no testnet setting): base58check P2PKH
 *   (version 0x00) and P2SH (0x05); segwit with hrp "bc": witness v0 in bech32 with a 20- or 32-byte program
 *   (BIP-173), v1..16 in bech32m with a 2..40-byte program (BIP-350, e.g. taproot). Testnet addresses
 *   (m/n/2…, tb1…) are refused.
 * - Tron (network "tron"): base58check, 21 bytes, version byte 0x41 (addresses start with T).
 * - Any other network: no codec check here; only the WaaS's `address_regex` applies.
 *
 * Encodings from `@scure/base`, hashes from `@noble/hashes`.
 */

/** what the codec needs to know of a coin (its configuration in the options) */
export interface AddressNetwork {
  network: string
  uriScheme?: string
  chainId?: number
}

export type AddressCodec = "evm" | "bitcoin" | "tron"

export function codecOf(coin: AddressNetwork): AddressCodec | null {
  const network = coin.network.toLowerCase()
  if (network === "ethereum" || coin.uriScheme === "eip681" || coin.chainId !== undefined) return "evm"
  if (network === "bitcoin") return "bitcoin"
  if (network === "tron") return "tron"
  return null
}

const base58check = createBase58check(sha256)

const refuse = (address: string, network: string, what: string) =>
  new MedusaError(MedusaError.Types.INVALID_DATA, `"${address}" is not a valid ${network} address: ${what}`)

function checkEvm(address: string, network: string): void {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw refuse(address, network, "expected 0x followed by 40 hex digits")
  const hex = address.slice(2)
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return // unchecksummed
  const hash = bytesToHex(keccak_256(utf8ToBytes(hex.toLowerCase())))
  for (let i = 0; i < 40; i++) {
    const c = hex[i]
    if (c.toLowerCase() === c.toUpperCase()) continue // a digit
    const upper = parseInt(hash[i], 16) >= 8
    if ((c === c.toUpperCase()) !== upper) {
      throw refuse(address, network, "its mixed-case letters fail the EIP-55 checksum (check for a typo, or give it all lower-case)")
    }
  }
}

/** base58check's payload, or null when the string is not base58check (bad alphabet or checksum) */
function base58Payload(address: string): Uint8Array | null {
  try {
    return base58check.decode(address)
  } catch {
    return null
  }
}

function checkSegwit(address: string, network: string): void {
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) {
    throw refuse(address, network, "a bech32 address must be all lower-case or all upper-case")
  }
  const lower = address.toLowerCase()
  if (lower.startsWith("tb1") || lower.startsWith("bcrt1")) throw refuse(address, network, "a testnet address (only mainnet bc1… addresses are accepted)")
  let words: number[] | null = null
  let variant: "bech32" | "bech32m" | null = null
  for (const [name, codec] of [["bech32", bech32], ["bech32m", bech32m]] as const) {
    try {
      const decoded = codec.decode(lower as `${string}1${string}`, 90)
      if (decoded.prefix !== "bc") throw refuse(address, network, `unknown prefix "${decoded.prefix}" (expected bc1…)`)
      words = decoded.words
      variant = name
      break
    } catch (e) {
      if (e instanceof MedusaError) throw e
    }
  }
  if (!words || !variant) throw refuse(address, network, "its bech32 checksum does not match (check for a typo)")
  if (words.length === 0) throw refuse(address, network, "no witness version")
  const version = words[0]
  if (version > 16) throw refuse(address, network, `unknown witness version ${version}`)
  const expected = version === 0 ? "bech32" : "bech32m"
  if (variant !== expected) throw refuse(address, network, `a witness v${version} address must be encoded in ${expected}, not ${variant}`)
  let program: Uint8Array
  try {
    program = bech32.fromWords(words.slice(1))
  } catch {
    throw refuse(address, network, "its witness program is badly padded")
  }
  if (version === 0 && program.length !== 20 && program.length !== 32) {
    throw refuse(address, network, `a witness v0 program is 20 or 32 bytes, not ${program.length}`)
  }
  if (program.length < 2 || program.length > 40) throw refuse(address, network, `a witness program is 2 to 40 bytes, not ${program.length}`)
}

function checkBitcoin(address: string, network: string): void {
  if (/^(bc|tb|bcrt)1/i.test(address)) return checkSegwit(address, network)
  const payload = base58Payload(address)
  if (!payload) throw refuse(address, network, "not base58check or bech32, or its checksum does not match (check for a typo)")
  if (payload.length !== 21) throw refuse(address, network, `a base58 address carries 21 bytes, not ${payload.length}`)
  if (payload[0] === 0x00 || payload[0] === 0x05) return
  if (payload[0] === 0x6f || payload[0] === 0xc4) throw refuse(address, network, "a testnet address (only mainnet 1… and 3… base58 addresses are accepted)")
  throw refuse(address, network, `unknown version byte 0x${payload[0].toString(16).padStart(2, "0")} (expected a 1… or 3… address)`)
}

function checkTron(address: string, network: string): void {
  const payload = base58Payload(address)
  if (!payload) throw refuse(address, network, "not base58check, or its checksum does not match (check for a typo)")
  if (payload.length !== 21 || payload[0] !== 0x41) throw refuse(address, network, "expected a 21-byte address with version byte 0x41 (starting with T)")
}

/** Throws an INVALID_DATA naming the network and what is wrong; does nothing for networks without a codec. */
export function checkAddressEncoding(address: string, coin: AddressNetwork): void {
  const codec = codecOf(coin)
  if (codec === "evm") checkEvm(address, coin.network)
  else if (codec === "bitcoin") checkBitcoin(address, coin.network)
  else if (codec === "tron") checkTron(address, coin.network)
}
