import { decryptEnvelope, encryptEnvelope } from "../envelope"
import { loadPrivateKey, publicKeyToBase64 } from "../keys"
import { ResultEnvelope } from "../schemas"
import {
  MERCHANT_DEMO_PRIVATE_KEY,
  MERCHANT_DEMO_PUBLIC_KEY,
  REQUEST_VECTORS,
  RESPONSE_VECTORS,
  WALLET_DEMO_PUBLIC_KEY,
} from "./fixtures/published-vectors"

/**
 * The eight vectors of protocol §8: they pin the envelope to what ChainUp's own implementation produces.
 * Requests are re-encrypted byte for byte (the padding is deterministic); responses can only be decrypted.
 */
describe("published vectors (protocol §8)", () => {
  it("the merchant public key in the docs is the one derived from the demo private key", () => {
    expect(publicKeyToBase64(loadPrivateKey(MERCHANT_DEMO_PRIVATE_KEY))).toBe(MERCHANT_DEMO_PUBLIC_KEY)
  })

  it("has the expected eight single-block vectors", () => {
    expect(REQUEST_VECTORS.map((v) => v.name)).toEqual(["R1", "R2", "R3", "R4"])
    expect(RESPONSE_VECTORS.map((v) => v.name)).toEqual(["P1", "P2", "P3", "P4"])
    for (const v of [...REQUEST_VECTORS, ...RESPONSE_VECTORS]) {
      expect(Buffer.byteLength(v.plaintext, "utf8")).toBe(v.utf8Bytes)
      expect(v.ciphertext).toHaveLength(342)
    }
  })

  describe.each(REQUEST_VECTORS.map((v) => [v.name, v] as const))("request %s", (_name, vector) => {
    it("encrypts byte-exact with the merchant demo private key", () => {
      expect(encryptEnvelope(vector.plaintext, MERCHANT_DEMO_PRIVATE_KEY)).toBe(vector.ciphertext)
    })

    it("decrypts back with the derived public key", () => {
      expect(decryptEnvelope(vector.ciphertext, MERCHANT_DEMO_PUBLIC_KEY)).toBe(vector.plaintext)
    })

    it("does not decrypt with the wallet key (the two demo keys are different pairs)", () => {
      expect(() => decryptEnvelope(vector.ciphertext, WALLET_DEMO_PUBLIC_KEY)).toThrow(
        expect.objectContaining({ name: "WaasCryptoError", reason: "bad_block" })
      )
    })
  })

  describe.each(RESPONSE_VECTORS.map((v) => [v.name, v] as const))("response %s", (_name, vector) => {
    it("decrypts exactly with the wallet demo public key", () => {
      expect(decryptEnvelope(vector.ciphertext, WALLET_DEMO_PUBLIC_KEY)).toBe(vector.plaintext)
    })

    it("is a success result envelope", () => {
      const inner = ResultEnvelope.parse(JSON.parse(decryptEnvelope(vector.ciphertext, WALLET_DEMO_PUBLIC_KEY)))
      expect(inner.code).toBe("0")
      expect(inner.msg).toBe("成功")
    })
  })
})
