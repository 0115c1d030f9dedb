import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
} from "node:crypto"
import { WaasCryptoError } from "./errors"

/**
 * WaaS keys are exchanged as bare base64 DER (PKCS#8 private, X.509 SPKI public), see protocol §1.2.
 * These helpers accept that form or PEM, and always return Node KeyObjects.
 */
function wrapPem(b64: string, label: string): string {
  const body = b64.replace(/\s+/g, "")
  const lines = body.match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`
}

export type KeyInput = string | KeyObject

export function loadPrivateKey(input: KeyInput): KeyObject {
  if (input instanceof KeyObject) {
    if (input.type !== "private") throw new WaasCryptoError("bad_key", "expected an RSA private key")
    assertRsa2048(input)
    return input
  }
  const text = input.trim()
  try {
    const key = text.includes("-----BEGIN")
      ? createPrivateKey(text)
      : createPrivateKey(wrapPem(text, "PRIVATE KEY"))
    assertRsa2048(key)
    return key
  } catch (e) {
    if (e instanceof WaasCryptoError) throw e
    throw new WaasCryptoError("bad_key", "the private key is not a PKCS#8 RSA key (base64 DER or PEM)")
  }
}

export function loadPublicKey(input: KeyInput): KeyObject {
  if (input instanceof KeyObject) {
    if (input.type === "secret") throw new WaasCryptoError("bad_key", "expected an RSA public key")
    const key = input.type === "private" ? createPublicKey(input) : input
    assertRsa2048(key)
    return key
  }
  const text = input.trim()
  try {
    const key = text.includes("-----BEGIN")
      ? createPublicKey(text)
      : createPublicKey(wrapPem(text, "PUBLIC KEY"))
    assertRsa2048(key)
    return key
  } catch (e) {
    if (e instanceof WaasCryptoError) throw e
    throw new WaasCryptoError("bad_key", "the public key is not an X.509 SPKI RSA key (base64 DER or PEM)")
  }
}

function assertRsa2048(key: KeyObject): void {
  const details = key.asymmetricKeyDetails
  if (key.asymmetricKeyType !== "rsa" || details?.modulusLength !== 2048) {
    throw new WaasCryptoError("bad_key", "WaaS keys must be 2048-bit RSA")
  }
}

/** Bare base64 DER, the form ChainUp exchanges. */
export function privateKeyToBase64(key: KeyObject): string {
  return (key.export({ type: "pkcs8", format: "der" }) as Buffer).toString("base64")
}

export function publicKeyToBase64(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key
  return (pub.export({ type: "spki", format: "der" }) as Buffer).toString("base64")
}

/** A fresh 2048-bit pair, both halves as bare base64 DER. */
export function generateWaasKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
  return { privateKey: privateKeyToBase64(privateKey), publicKey: publicKeyToBase64(publicKey) }
}
