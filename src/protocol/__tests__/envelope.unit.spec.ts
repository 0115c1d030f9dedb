import { createPrivateKey, generateKeyPairSync, KeyObject } from "node:crypto"
import {
  BLOCK_BYTES,
  CHUNK_BYTES,
  decryptEnvelope,
  decryptEnvelopeBytes,
  encryptEnvelope,
  fromUrlSafeBase64,
  MAX_BLOCKS,
  toUrlSafeBase64,
} from "../envelope"
import { WaasCryptoError } from "../errors"
import {
  generateWaasKeyPair,
  loadPrivateKey,
  loadPublicKey,
  privateKeyToBase64,
  publicKeyToBase64,
} from "../keys"
import { WALLET_DEMO_PUBLIC_KEY } from "./fixtures/published-vectors"

/* ------------------------------------------------------------------ an independent textbook implementation */

function b64uToBigInt(s: string): bigint {
  return BigInt("0x" + Buffer.from(s, "base64url").toString("hex"))
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n
  let b = base % mod
  let e = exp
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod
    b = (b * b) % mod
    e >>= 1n
  }
  return result
}

function bigIntTo256(n: bigint): Buffer {
  const hex = n.toString(16).padStart(512, "0")
  return Buffer.from(hex, "hex")
}

/** raw RSA with manual PKCS#1 v1.5 type-1 padding: 00 01 FF..FF 00 || chunk; 234-byte chunks; URL-safe b64 */
function textbookEncrypt(plaintext: string, privateKeyB64: string): string {
  const jwk = createPrivateKey({ key: Buffer.from(privateKeyB64, "base64"), format: "der", type: "pkcs8" }).export({
    format: "jwk",
  })
  const n = b64uToBigInt(jwk.n as string)
  const d = b64uToBigInt(jwk.d as string)
  const bytes = Buffer.from(plaintext, "utf8")
  const blocks: Buffer[] = []
  for (let off = 0; off < bytes.length; off += 234) {
    const chunk = bytes.subarray(off, off + 234)
    const em = Buffer.concat([Buffer.from([0x00, 0x01]), Buffer.alloc(256 - 3 - chunk.length, 0xff), Buffer.from([0x00]), chunk])
    blocks.push(bigIntTo256(modPow(BigInt("0x" + em.toString("hex")), d, n)))
  }
  return Buffer.concat(blocks).toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
}

/** the inverse: c^e mod n, check 00 01 FF{8,} 00, concatenate */
function textbookDecrypt(cipher: string, privateKeyB64: string): string {
  const jwk = createPrivateKey({ key: Buffer.from(privateKeyB64, "base64"), format: "der", type: "pkcs8" }).export({
    format: "jwk",
  })
  const n = b64uToBigInt(jwk.n as string)
  const e = b64uToBigInt(jwk.e as string)
  const raw = Buffer.from(cipher.replace(/-/g, "+").replace(/_/g, "/"), "base64")
  const out: Buffer[] = []
  for (let off = 0; off < raw.length; off += 256) {
    const em = bigIntTo256(modPow(BigInt("0x" + raw.subarray(off, off + 256).toString("hex")), e, n))
    expect(em[0]).toBe(0)
    expect(em[1]).toBe(1)
    const sep = em.indexOf(0, 2)
    expect(sep).toBeGreaterThanOrEqual(10)
    expect(em.subarray(2, sep).every((b) => b === 0xff)).toBe(true)
    out.push(em.subarray(sep + 1))
  }
  return Buffer.concat(out).toString("utf8")
}

/* ------------------------------------------------------------------ helpers */

let keys: { privateKey: string; publicKey: string }
let otherKeys: { privateKey: string; publicKey: string }

beforeAll(() => {
  keys = generateWaasKeyPair()
  otherKeys = generateWaasKeyPair()
})

function expectCryptoError(fn: () => unknown, reason: WaasCryptoError["reason"]): void {
  let caught: unknown
  try {
    fn()
  } catch (e) {
    caught = e
  }
  expect(caught).toBeInstanceOf(WaasCryptoError)
  expect((caught as WaasCryptoError).reason).toBe(reason)
}

const expectedCipherChars = (blocks: number) => Math.ceil((blocks * BLOCK_BYTES * 4) / 3)

/** a string of exactly `n` UTF-8 bytes made of varied ASCII */
function asciiOfBytes(n: number): string {
  let s = ""
  for (let i = 0; i < n; i++) s += String.fromCharCode(0x21 + (i % 90))
  return s
}

/* ------------------------------------------------------------------ tests */

describe("envelope constants", () => {
  it("uses 234-byte chunks in 256-byte blocks", () => {
    expect(CHUNK_BYTES).toBe(234)
    expect(BLOCK_BYTES).toBe(256)
  })
})

describe("round trips with a fresh key pair", () => {
  it.each([
    [1, 1],
    [233, 1],
    [234, 1],
    [235, 2],
    [468, 2],
    [469, 3],
    [702, 3],
    [2340, 10],
    [2341, 11],
  ])("%i bytes → %i block(s)", (length, blocks) => {
    const text = asciiOfBytes(length)
    const cipher = encryptEnvelope(text, keys.privateKey)
    expect(cipher).toHaveLength(expectedCipherChars(blocks))
    expect(cipher).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decryptEnvelopeBytes(cipher, keys.publicKey)).toHaveLength(length)
    expect(decryptEnvelope(cipher, keys.publicKey)).toBe(text)
  })

  it("ciphertext lengths are 342, 683 and 1024 chars for 1, 2 and 3 blocks", () => {
    expect(encryptEnvelope(asciiOfBytes(10), keys.privateKey)).toHaveLength(342)
    expect(encryptEnvelope(asciiOfBytes(300), keys.privateKey)).toHaveLength(683)
    expect(encryptEnvelope(asciiOfBytes(600), keys.privateKey)).toHaveLength(1024)
  })

  it("a 3-byte UTF-8 character straddling byte 234 survives (chunks are cut on bytes)", () => {
    // bytes 0..232 are ASCII, "€" (E2 82 AC) occupies bytes 233, 234, 235: the cut falls inside it
    const text = asciiOfBytes(233) + "€" + "tail 成功"
    const bytes = Buffer.from(text, "utf8")
    expect(bytes.subarray(233, 236)).toEqual(Buffer.from([0xe2, 0x82, 0xac]))
    const cipher = encryptEnvelope(text, keys.privateKey)
    expect(cipher).toHaveLength(683)
    expect(decryptEnvelope(cipher, keys.publicKey)).toBe(text)
    // the first block ends with the euro sign's lead byte, the second block starts with its continuation bytes
    const raw = fromUrlSafeBase64(cipher)
    const first = decryptEnvelopeBytes(toUrlSafeBase64(raw.subarray(0, 256)), keys.publicKey)
    expect(first).toHaveLength(234)
    expect(first[233]).toBe(0xe2)
    const second = decryptEnvelopeBytes(toUrlSafeBase64(raw.subarray(256)), keys.publicKey)
    expect(second.subarray(0, 2)).toEqual(Buffer.from([0x82, 0xac]))
    // either half alone is not valid UTF-8: strict decoding refuses it rather than producing U+FFFD
    expectCryptoError(() => decryptEnvelope(toUrlSafeBase64(raw.subarray(0, 256)), keys.publicKey), "not_utf8")
  })

  it("a 4-byte character (emoji) across the second boundary (byte 468) survives", () => {
    const text = "é".repeat(233) + "x" + "🙂" + "ü".repeat(5) // 466 + 1 = 467 bytes, emoji at 467..470
    expect(Buffer.byteLength(text.slice(0, 234), "utf8")).toBe(467)
    const cipher = encryptEnvelope(text, keys.privateKey)
    expect(cipher).toHaveLength(1024)
    expect(decryptEnvelope(cipher, keys.publicKey)).toBe(text)
  })

  it("is deterministic: same key and plaintext → same ciphertext", () => {
    const text = JSON.stringify({ time: 1700000000000, charset: "UTF-8", version: "v2", note: "x".repeat(500) })
    expect(encryptEnvelope(text, keys.privateKey)).toBe(encryptEnvelope(text, keys.privateKey))
    expect(encryptEnvelope(Buffer.from(text, "utf8"), keys.privateKey)).toBe(encryptEnvelope(text, keys.privateKey))
  })

  it("different keys give different ciphertexts for the same plaintext", () => {
    expect(encryptEnvelope("same", keys.privateKey)).not.toBe(encryptEnvelope("same", otherKeys.privateKey))
  })

  it("agrees bit for bit with an independent textbook implementation (BigInt modPow, manual padding)", () => {
    const text = JSON.stringify({
      time: 1700000000000,
      charset: "UTF-8",
      version: "v2",
      memo: "€".repeat(100) + asciiOfBytes(250),
    })
    const ours = encryptEnvelope(text, keys.privateKey)
    expect(ours).toHaveLength(expectedCipherChars(Math.ceil(Buffer.byteLength(text) / 234)))
    expect(Buffer.byteLength(text)).toBeGreaterThan(468) // at least 3 blocks
    expect(textbookEncrypt(text, keys.privateKey)).toBe(ours)
    expect(textbookDecrypt(ours, keys.privateKey)).toBe(text)
  })

  it("accepts KeyObjects as well as base64 and PEM strings", () => {
    const priv = loadPrivateKey(keys.privateKey)
    const pub = loadPublicKey(keys.publicKey)
    const text = "{\"a\":\"b\"}"
    const cipher = encryptEnvelope(text, priv)
    expect(encryptEnvelope(text, priv.export({ type: "pkcs8", format: "pem" }) as string)).toBe(cipher)
    expect(decryptEnvelope(cipher, pub)).toBe(text)
    expect(decryptEnvelope(cipher, pub.export({ type: "spki", format: "pem" }) as string)).toBe(text)
    // a private KeyObject may stand in for its public half
    expect(decryptEnvelope(cipher, priv)).toBe(text)
  })
})

describe("lenient decoding", () => {
  let text: string
  let cipher: string
  beforeAll(() => {
    text = asciiOfBytes(300) // 2 blocks = 512 bytes: not a multiple of 3, so standard base64 needs a pad char
    cipher = encryptEnvelope(text, keys.privateKey)
  })

  it("accepts the standard alphabet with padding", () => {
    const std = fromUrlSafeBase64(cipher).toString("base64")
    expect(std).toMatch(/[+/]/) // the sample actually exercises the alternative alphabet
    expect(std.endsWith("=")).toBe(true)
    expect(decryptEnvelope(std, keys.publicKey)).toBe(text)
  })

  it("accepts URL-safe with padding", () => {
    const padded = cipher + "=".repeat((4 - (cipher.length % 4)) % 4)
    expect(padded).not.toBe(cipher)
    expect(decryptEnvelope(padded, keys.publicKey)).toBe(text)
  })

  it("accepts CRLF inserted every 76 chars (commons-codec style)", () => {
    const std = fromUrlSafeBase64(cipher).toString("base64")
    const wrapped = (std.match(/.{1,76}/g) ?? []).join("\r\n") + "\r\n"
    expect(wrapped).toContain("\r\n")
    expect(decryptEnvelope(wrapped, keys.publicKey)).toBe(text)
    const urlWrapped = (cipher.match(/.{1,76}/g) ?? []).join("\r\n")
    expect(decryptEnvelope(urlWrapped, keys.publicKey)).toBe(text)
  })
})

describe("rejections", () => {
  let text: string
  let cipher: string
  beforeAll(() => {
    text = asciiOfBytes(300)
    cipher = encryptEnvelope(text, keys.privateKey)
  })

  it("a flipped base64 character inside a block", () => {
    for (const pos of [0, 100, 341, 400, 600]) {
      const c = cipher[pos] === "A" ? "B" : "A"
      const tampered = cipher.slice(0, pos) + c + cipher.slice(pos + 1)
      expectCryptoError(() => decryptEnvelope(tampered, keys.publicKey), "bad_block")
    }
  })

  it("a flipped bit in the raw ciphertext", () => {
    for (const byte of [5, 255, 256, 300, 511]) {
      const raw = fromUrlSafeBase64(cipher)
      raw[byte] ^= 0x01
      expectCryptoError(() => decryptEnvelope(toUrlSafeBase64(raw), keys.publicKey), "bad_block")
    }
  })

  it("a truncated ciphertext (block cut)", () => {
    expectCryptoError(() => decryptEnvelope(cipher.slice(0, 500), keys.publicKey), "bad_length")
    expectCryptoError(() => decryptEnvelope(cipher.slice(0, -4), keys.publicKey), "bad_length")
  })

  it("the wrong public key", () => {
    expectCryptoError(() => decryptEnvelope(cipher, otherKeys.publicKey), "bad_block")
    expectCryptoError(() => decryptEnvelope(cipher, WALLET_DEMO_PUBLIC_KEY), "bad_block")
  })

  it("a length that is not a multiple of 256 bytes", () => {
    for (const n of [1, 255, 257, 300, 511]) {
      expectCryptoError(() => decryptEnvelope(toUrlSafeBase64(Buffer.alloc(n, 7)), keys.publicKey), "bad_length")
    }
  })

  it("non-base64 input", () => {
    for (const bad of ["abc$def", "has space", "a.b", "%3D%3D", "{\"code\":\"0\"}", "A", "AAAAA", "AA==="]) {
      expectCryptoError(() => decryptEnvelope(bad, keys.publicKey), "not_base64")
    }
  })

  it("empty input", () => {
    expectCryptoError(() => decryptEnvelope("", keys.publicKey), "empty")
    expectCryptoError(() => decryptEnvelope("\r\n", keys.publicKey), "empty")
    expectCryptoError(() => decryptEnvelope(undefined as unknown as string, keys.publicKey), "empty")
    expectCryptoError(() => encryptEnvelope("", keys.privateKey), "empty")
  })

  it("an oversized ciphertext is refused before any RSA work", () => {
    const huge = toUrlSafeBase64(Buffer.alloc((MAX_BLOCKS + 1) * BLOCK_BYTES, 1))
    expectCryptoError(() => decryptEnvelope(huge, keys.publicKey), "too_large")
  })

  it("a payload that is not UTF-8 is a crypto failure in decryptEnvelope but raw bytes are available", () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d])
    const c = encryptEnvelope(bytes, keys.privateKey)
    expect(decryptEnvelopeBytes(c, keys.publicKey)).toEqual(bytes)
    expectCryptoError(() => decryptEnvelope(c, keys.publicKey), "not_utf8")
  })

  it("each block verifies on its own: swapped blocks decrypt to a different text (why callbacks are hints, §1.3)", () => {
    const raw = fromUrlSafeBase64(cipher)
    const swapped = Buffer.concat([raw.subarray(256, 512), raw.subarray(0, 256)])
    const out = decryptEnvelope(toUrlSafeBase64(swapped), keys.publicKey)
    expect(out).not.toBe(text)
    expect(out).toBe(text.slice(234) + text.slice(0, 234))
  })
})

describe("keys", () => {
  it("round-trips the base64 DER forms", () => {
    const priv = loadPrivateKey(keys.privateKey)
    expect(privateKeyToBase64(priv)).toBe(keys.privateKey)
    expect(publicKeyToBase64(priv)).toBe(keys.publicKey)
    expect(publicKeyToBase64(loadPublicKey(keys.publicKey))).toBe(keys.publicKey)
  })

  it("accepts base64 with whitespace/line breaks", () => {
    const wrapped = (keys.privateKey.match(/.{1,64}/g) ?? []).join("\n")
    expect(privateKeyToBase64(loadPrivateKey(wrapped))).toBe(keys.privateKey)
  })

  it("rejects garbage, swapped halves and non-2048-bit keys with bad_key", () => {
    expectCryptoError(() => loadPrivateKey("not a key"), "bad_key")
    expectCryptoError(() => loadPublicKey("not a key"), "bad_key")
    expectCryptoError(() => loadPrivateKey(keys.publicKey), "bad_key")
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 })
    expectCryptoError(() => loadPrivateKey(privateKeyToBase64(small.privateKey)), "bad_key")
    expectCryptoError(() => loadPublicKey(publicKeyToBase64(small.publicKey)), "bad_key")
    // KeyObjects are held to the same rules as strings
    expectCryptoError(() => loadPrivateKey(small.privateKey), "bad_key")
    expectCryptoError(() => loadPublicKey(small.publicKey), "bad_key")
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" })
    expectCryptoError(() => loadPrivateKey(ec.privateKey as KeyObject), "bad_key")
  })

  it("a public key passed as the private key fails typed even when it is already cached as a public key", () => {
    decryptEnvelope(encryptEnvelope("warm the cache", keys.privateKey), keys.publicKey)
    expectCryptoError(() => encryptEnvelope("x", keys.publicKey), "bad_key")
  })
})
