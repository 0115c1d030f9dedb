/**
 * Asserts that nothing private reached a JSON body a storefront receives: no credential, no WaaS
 * uid or synthetic account email (as a value), and no key that names one. Used on every Store API
 * response of the checkout spec.
 */
export type PrivateValues = {
  merchantPrivateKey: string
  appId: string
  /** WaaS uids of the pool accounts, as stored (digit strings) */
  uids: string[]
  /** the synthetic emails the pool registered at the WaaS */
  accountEmails: string[]
  syntheticEmailDomain: string
}

const SUSPICIOUS_KEY = /(^|_)(uid|app_?id|private|secret|password|token|email_domain)($|_)/i

export function findLeaks(body: unknown, values: PrivateValues): string[] {
  const json = JSON.stringify(body)
  const leaks: string[] = []
  // a key re-wrapped into PEM lines would not match whole, so look for an inner slice as well
  const keySlice = values.merchantPrivateKey.slice(100, 164)
  if (json.includes(values.merchantPrivateKey) || json.includes(keySlice)) leaks.push("merchant private key")
  if (json.includes(values.appId)) leaks.push("app id")
  for (const email of values.accountEmails) if (json.includes(email)) leaks.push(`account email ${email}`)
  if (json.includes(values.syntheticEmailDomain)) leaks.push(`synthetic email domain ${values.syntheticEmailDomain}`)
  for (const uid of values.uids) {
    // as a whole JSON value ("10001" or 10001), not as digits inside an id or an amount
    if (new RegExp(`[:\\[,]"?${uid}"?[,}\\]]`).test(json)) leaks.push(`uid ${uid}`)
  }
  for (const key of keysDeep(body)) if (SUSPICIOUS_KEY.test(key)) leaks.push(`key "${key}"`)
  return leaks
}

function keysDeep(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) keysDeep(item, out)
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      out.push(key)
      keysDeep(child, out)
    }
  }
  return out
}
