import { constants, KeyObject, privateEncrypt, publicDecrypt } from "node:crypto"
import { WaasCryptoError } from "./errors"
import { KeyInput, loadPrivateKey, loadPublicKey } from "./keys"

/**
 * The WaaS `data` envelope (protocol §1.3): the UTF-8 bytes are cut into 234-byte chunks, each chunk is
 * padded PKCS#1 v1.5 type 1 and put through the RSA private-key operation (a per-block signature, not
 * confidentiality), the 256-byte blocks are concatenated and written as URL-safe base64 without padding.
 * The padding is deterministic, so the output is byte-identical to ChainUp's for the same key and input.
 */
export const CHUNK_BYTES = 234
export const BLOCK_BYTES = 256
/** A sanity cap on what we decrypt: 4096 blocks ≈ 1 MiB of ciphertext, far above any real message. */
export const MAX_BLOCKS = 4096

// One cache per loader: a string cached as a public key must never be handed back as a private key
// (that would bypass loadPrivateKey's typed `bad_key` error and surface a raw TypeError from node:crypto).
const keyCaches = new Map<(k: KeyInput) => KeyObject, Map<string, KeyObject>>()

function cachedKey(input: KeyInput, load: (k: KeyInput) => KeyObject): KeyObject {
  if (input instanceof KeyObject) return load(input)
  let cache = keyCaches.get(load)
  if (!cache) {
    cache = new Map<string, KeyObject>()
    keyCaches.set(load, cache)
  }
  const hit = cache.get(input)
  if (hit) return hit
  const key = load(input)
  if (cache.size > 64) cache.clear()
  cache.set(input, key)
  return key
}

export function toUrlSafeBase64(buf: Buffer): string {
  return buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
}

/**
 * Lenient decoding (protocol §1.3 step 1): strips CR/LF, accepts URL-safe or standard alphabet, padded or not.
 * Anything else (spaces inside, stray characters, an impossible length) is rejected.
 */
export function fromUrlSafeBase64(input: string): Buffer {
  const cleaned = input.replace(/[\r\n]/g, "")
  if (cleaned.length === 0) throw new WaasCryptoError("empty", "the data field is empty")
  const unpadded = cleaned.replace(/=+$/, "")
  if (cleaned.length - unpadded.length > 2 || !/^[A-Za-z0-9\-_+/]+$/.test(unpadded)) {
    throw new WaasCryptoError("not_base64", "the data field is not base64")
  }
  if (unpadded.length % 4 === 1) {
    throw new WaasCryptoError("not_base64", "the data field has an impossible base64 length")
  }
  const std = unpadded.replace(/-/g, "+").replace(/_/g, "/")
  return Buffer.from(std + "=".repeat((4 - (std.length % 4)) % 4), "base64")
}

/** Sign-encrypt a plaintext (string as UTF-8, or raw bytes) with a private key. */
export function encryptEnvelope(plaintext: string | Buffer, privateKey: KeyInput): string {
  const key = cachedKey(privateKey, loadPrivateKey)
  const bytes = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext
  if (bytes.length === 0) throw new WaasCryptoError("empty", "nothing to encrypt")
  const blocks: Buffer[] = []
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
    const chunk = bytes.subarray(offset, offset + CHUNK_BYTES)
    blocks.push(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, chunk))
  }
  return toUrlSafeBase64(Buffer.concat(blocks))
}

/** Decrypt-verify every 256-byte block with the sender's public key and return the raw bytes. */
export function decryptEnvelopeBytes(data: string, publicKey: KeyInput): Buffer {
  if (typeof data !== "string") throw new WaasCryptoError("empty", "the data field is missing")
  const key = cachedKey(publicKey, loadPublicKey)
  const raw = fromUrlSafeBase64(data)
  if (raw.length === 0 || raw.length % BLOCK_BYTES !== 0) {
    throw new WaasCryptoError(
      "bad_length",
      `ciphertext is ${raw.length} bytes, not a non-zero multiple of ${BLOCK_BYTES}`
    )
  }
  if (raw.length / BLOCK_BYTES > MAX_BLOCKS) {
    throw new WaasCryptoError("too_large", "ciphertext exceeds the size limit")
  }
  const chunks: Buffer[] = []
  for (let offset = 0; offset < raw.length; offset += BLOCK_BYTES) {
    const block = raw.subarray(offset, offset + BLOCK_BYTES)
    try {
      // Node checks the full type-1 structure (00 01, at least 8 FF, 00 separator).
      chunks.push(publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, block))
    } catch {
      throw new WaasCryptoError(
        "bad_block",
        `block ${offset / BLOCK_BYTES + 1} does not verify with the expected public key`
      )
    }
  }
  return Buffer.concat(chunks)
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true })

/** Decrypt-verify and decode as UTF-8 (strict: a malformed sequence is a crypto failure, not a U+FFFD). */
export function decryptEnvelope(data: string, publicKey: KeyInput): string {
  const bytes = decryptEnvelopeBytes(data, publicKey)
  try {
    return strictUtf8.decode(bytes)
  } catch {
    throw new WaasCryptoError("not_utf8", "the decrypted payload is not valid UTF-8")
  }
}
