// Question: what does our envelope cost per 256-byte block, against the raw node:crypto RSA calls it wraps?
// Both sides run in the same process on the same key, so the ratio is what our code adds
// (chunking, base64url, key handling, block checks).
"use strict"
require("../scripts/ts-register.cjs")
const crypto = require("node:crypto")
const { encryptEnvelope, decryptEnvelope, generateWaasKeyPair, loadPrivateKey, loadPublicKey } = require("../src/protocol")
const { compare, report } = require("./lib/measure.cjs")

const pair = generateWaasKeyPair()
const priv = loadPrivateKey(pair.privateKey)
const pub = loadPublicKey(pair.publicKey)

function payload(blocks) {
  // JSON-ish text with multi-byte characters so the chunker sees real UTF-8
  const base = JSON.stringify({ side: "deposit", symbol: "USDTERC20", msg: "成功", amount: "1234.567890" })
  let s = base
  while (Buffer.byteLength(s) < blocks * 234) s += base
  return Buffer.from(s).subarray(0, blocks * 234).toString("utf8").replace(/\uFFFD+$/, "")
}

function rawEncrypt(bytes) {
  const out = []
  for (let o = 0; o < bytes.length; o += 234) {
    out.push(crypto.privateEncrypt({ key: priv, padding: crypto.constants.RSA_PKCS1_PADDING }, bytes.subarray(o, o + 234)))
  }
  return Buffer.concat(out)
}
function rawDecrypt(buf) {
  const out = []
  for (let o = 0; o < buf.length; o += 256) {
    out.push(crypto.publicDecrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_PADDING }, buf.subarray(o, o + 256)))
  }
  return Buffer.concat(out)
}

const rows = []
for (const blocks of [1, 3, 10]) {
  const text = payload(blocks)
  const bytes = Buffer.from(text, "utf8")
  const nBlocks = Math.ceil(bytes.length / 234)
  const cipher = encryptEnvelope(text, priv)
  const rawCipher = rawEncrypt(bytes)
  if (decryptEnvelope(cipher, pub) !== text) throw new Error("round trip failed")

  const enc = compare(() => encryptEnvelope(text, priv), () => rawEncrypt(bytes))
  const dec = compare(() => decryptEnvelope(cipher, pub), () => rawDecrypt(rawCipher))
  rows.push(["encrypt", nBlocks, enc.ours / nBlocks, enc.base / nBlocks])
  rows.push(["decrypt", nBlocks, dec.ours / nBlocks, dec.base / nBlocks])
}

report(
  "envelope: cost per 256-byte block, ours vs raw node:crypto (same key, same run)",
  ["op", "blocks", "ours µs/block", "raw µs/block", "ours/raw"],
  rows.map(([op, n, ours, raw]) => [op, n, (ours * 1e3).toFixed(1), (raw * 1e3).toFixed(1), (ours / raw).toFixed(3)])
)
