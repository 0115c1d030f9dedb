import { randomBytes, timingSafeEqual, type KeyObject } from "node:crypto"
import { openConfirmationAnswer, sealConfirmationRequest } from "../src/protocol"
import type { FaultRegistry } from "./faults"
import { HttpOutError, postForm } from "./http-out"
import type { ConfirmationCall, SimLogger, SimMerchantInfo } from "./types"

/**
 * The withdrawal second confirmation (§3.4), called synchronously inside /billing/withdraw.
 *
 * The request is a form POST `app_id` + `data`, data = wallet-key envelope of
 * `{time, charset, version, request_id, from_uid, to_address, amount, symbol, check_sum}` with `time` a number
 * (the docs type it long), every other value a string, `amount` exactly as the merchant sent it, and `check_sum`
 * 32 random hex characters.
 *
 * Approval = HTTP 200 whose body (trimmed) is either JSON `{"data":"<cipher>"}` or the bare cipher string,
 * decrypting with the merchant's public key to JSON with the same `check_sum` (read by the protocol layer's
 * openConfirmationAnswer, the counterpart of the plugin's sealConfirmationAnswer).
 * Anything else (another status, other JSON, a wrong or missing check_sum, another key, no answer within the
 * timeout) is a refusal, which the withdraw call turns into 120206.
 */
export interface ConfirmationInput {
  merchant: SimMerchantInfo
  fields: { request_id: string; from_uid: number; to_address: string; amount: string; symbol: string }
  walletKey: KeyObject
  faults: FaultRegistry
  now: () => number
  signal: AbortSignal
  logger: SimLogger
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t)
      signal.removeEventListener("abort", done)
      resolve()
    }
    const t = setTimeout(done, ms)
    signal.addEventListener("abort", done)
  })
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8")
  const y = Buffer.from(b, "utf8")
  return x.length === y.length && timingSafeEqual(x, y)
}

export async function requestSecondConfirmation(i: ConfirmationInput): Promise<ConfirmationCall> {
  const base = { at: i.now(), appId: i.merchant.appId, requestId: i.fields.request_id }
  if (i.faults.takeConfirm("fail")) {
    return { ...base, outcome: "rejected", reason: "confirm.fail fault: refused without calling the merchant" }
  }
  const url = i.merchant.confirmUrl
  if (!url) {
    i.logger.warn(`merchant ${i.merchant.appId} has no confirmUrl: withdrawal ${i.fields.request_id} approved without a second confirmation`)
    return { ...base, outcome: "skipped", reason: "no confirmUrl configured" }
  }
  const timeoutMs = i.faults.confirmTimeoutMs() ?? i.merchant.confirmAnswerTimeoutMs
  const checkSum = randomBytes(16).toString("hex")
  const payload = {
    time: i.now(),
    charset: "utf-8",
    version: "2.0",
    request_id: i.fields.request_id,
    from_uid: String(i.fields.from_uid),
    to_address: i.fields.to_address,
    amount: i.fields.amount,
    symbol: i.fields.symbol,
    check_sum: checkSum,
  }
  const call: ConfirmationCall = { ...base, url, payload, outcome: "error", reason: "" }
  const started = Date.now()
  const delay = i.faults.takeConfirm("delay")
  if (delay) {
    await sleep(Math.min(delay.ms, timeoutMs), i.signal)
    if (delay.ms >= timeoutMs) return { ...call, outcome: "timeout", reason: `confirm.delay fault (${delay.ms} ms) reached the ${timeoutMs} ms timeout` }
  }
  let answer
  try {
    const data = sealConfirmationRequest(payload, i.walletKey)
    answer = await postForm(url, { app_id: i.merchant.appId, data }, { timeoutMs: Math.max(1, timeoutMs - (Date.now() - started)), signal: i.signal })
  } catch (e) {
    const timeout = e instanceof HttpOutError && e.kind === "timeout"
    return { ...call, outcome: timeout ? "timeout" : "error", reason: e instanceof Error ? e.message : String(e) }
  }
  call.responseStatus = answer.status
  call.responseBody = answer.body.slice(0, 4096)
  if (answer.status !== 200) return { ...call, outcome: "rejected", reason: `HTTP ${answer.status}` }
  let echoed: string
  try {
    echoed = openConfirmationAnswer(answer.body, i.merchant.merchantPublicKey)
  } catch (e) {
    return { ...call, outcome: "rejected", reason: e instanceof Error ? e.message : String(e) }
  }
  if (!sameString(echoed, checkSum)) return { ...call, outcome: "rejected", reason: "check_sum does not match" }
  return { ...call, outcome: "approved", reason: "check_sum echoed" }
}
