import { createHash, createHmac } from "node:crypto"
import type { AddressFamily } from "./types"

/**
 * Deterministic, well-formed chain addresses and txids. Everything is derived from a seed (the simulator derives
 * it from its wallet key) and a label, so the same wallet key gives the same addresses across restarts, and the
 * formats are the real ones (valid bech32 checksum, valid TRON base58check), not just regex-shaped strings, in
 * case a store validates addresses with a real library.
 */
function derive(seed: Buffer, label: string, bytes = 32): Buffer {
  const out: Buffer[] = []
  for (let i = 0; out.length * 32 < bytes; i++) {
    out.push(createHmac("sha256", seed).update(`${label}#${i}`).digest())
  }
  return Buffer.concat(out).subarray(0, bytes)
}

/* ------------------------------------------------------------------ bech32 (BIP-173), segwit v0 P2WPKH */

const BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
const BECH32_GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]

function bech32Polymod(values: number[]): number {
  let chk = 1
  for (const v of values) {
    const top = chk >>> 25
    chk = ((chk & 0x1ffffff) << 5) ^ v
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= BECH32_GEN[i]
  }
  return chk >>> 0
}

function hrpExpand(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0))
  return [...codes.map((c) => c >> 5), 0, ...codes.map((c) => c & 31)]
}

function toFiveBits(data: Buffer): number[] {
  let acc = 0
  let bits = 0
  const out: number[] = []
  for (const byte of data) {
    acc = (acc << 8) | byte
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out.push((acc >> bits) & 31)
    }
  }
  if (bits > 0) out.push((acc << (5 - bits)) & 31)
  return out
}

function bech32Encode(hrp: string, data: number[]): string {
  const mod = bech32Polymod([...hrpExpand(hrp), ...data, 0, 0, 0, 0, 0, 0]) ^ 1
  const checksum = [0, 1, 2, 3, 4, 5].map((p) => (mod >>> (5 * (5 - p))) & 31)
  return hrp + "1" + [...data, ...checksum].map((d) => BECH32_CHARSET[d]).join("")
}

/** true when `address` carries a valid bech32 checksum (used by tests to prove the format is real) */
export function bech32Verify(address: string): boolean {
  const pos = address.lastIndexOf("1")
  if (pos < 1) return false
  const hrp = address.slice(0, pos)
  const data = [...address.slice(pos + 1)].map((c) => BECH32_CHARSET.indexOf(c))
  if (data.some((d) => d < 0)) return false
  return bech32Polymod([...hrpExpand(hrp), ...data]) === 1
}

export function btcSegwitAddress(program20: Buffer): string {
  return bech32Encode("bc", [0, ...toFiveBits(program20)])
}

/* ------------------------------------------------------------------ base58check (TRON) */

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

function sha256(b: Buffer): Buffer {
  return createHash("sha256").update(b).digest()
}

function base58Encode(bytes: Buffer): string {
  let n = BigInt("0x" + (bytes.toString("hex") || "0"))
  let out = ""
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out
    n /= 58n
  }
  for (const b of bytes) {
    if (b !== 0) break
    out = "1" + out
  }
  return out
}

function base58Decode(text: string): Buffer {
  let n = 0n
  for (const c of text) {
    const i = BASE58.indexOf(c)
    if (i < 0) throw new Error("not base58")
    n = n * 58n + BigInt(i)
  }
  let hex = n.toString(16)
  if (hex.length % 2) hex = "0" + hex
  const lead = text.match(/^1*/)?.[0].length ?? 0
  return Buffer.concat([Buffer.alloc(lead), Buffer.from(n === 0n ? "" : hex, "hex")])
}

function base58Check(payload: Buffer): string {
  return base58Encode(Buffer.concat([payload, sha256(sha256(payload)).subarray(0, 4)]))
}

/** true when a base58check string's checksum is right */
export function base58CheckVerify(text: string): boolean {
  const raw = base58Decode(text)
  if (raw.length < 5) return false
  const payload = raw.subarray(0, raw.length - 4)
  return sha256(sha256(payload)).subarray(0, 4).equals(raw.subarray(raw.length - 4))
}

export function tronAddress(body20: Buffer): string {
  return base58Check(Buffer.concat([Buffer.from([0x41]), body20]))
}

/* ------------------------------------------------------------------ per family */

function addressFor(family: AddressFamily, seed: Buffer, label: string): string {
  const body = derive(seed, `addr:${family}:${label}`, 20)
  switch (family) {
    case "evm":
      // lowercase hex: valid for every EVM chain (EIP-55 mixed case would need keccak, which node:crypto lacks)
      return "0x" + body.toString("hex")
    case "btc":
      return btcSegwitAddress(body)
    case "tron":
      return tronAddress(body)
  }
}

function txidFor(family: AddressFamily, seed: Buffer, label: string): string {
  const hex = derive(seed, `tx:${label}`, 32).toString("hex")
  return family === "evm" ? "0x" + hex : hex
}

/**
 * Issues unique addresses: a collision (astronomically unlikely, but the uniqueness is a promise) moves on to the
 * next nonce of the same label.
 */
export class AddressAllocator {
  private readonly issued = new Set<string>()
  constructor(private readonly seed: Buffer) {}

  allocate(family: AddressFamily, label: string): string {
    for (let nonce = 0; ; nonce++) {
      const address = addressFor(family, this.seed, nonce === 0 ? label : `${label}~${nonce}`)
      if (!this.issued.has(address)) {
        this.issued.add(address)
        return address
      }
    }
  }

  /** a throwaway address that is never a simulated user's (deposit senders, the hot wallet) */
  external(family: AddressFamily, label: string): string {
    return this.allocate(family, `external:${label}`)
  }

  txid(family: AddressFamily, label: string): string {
    return txidFor(family, this.seed, label)
  }
}
