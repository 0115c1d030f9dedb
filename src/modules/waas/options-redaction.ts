import type { WaasOptions } from "./options"

const REDACTED = "[redacted]"

/** A copy safe to log: no private key, no rate-API headers, no query-string values (API keys hide there). */
export function redactOptions(options: WaasOptions): Record<string, unknown> {
  const rateSource =
    options.rateSource.type === "http"
      ? {
          ...options.rateSource,
          url: options.rateSource.url.replace(/([?&][^=&#]+)=[^&#]*/g, `$1=${REDACTED}`),
          headers: options.rateSource.headers
            ? Object.fromEntries(Object.keys(options.rateSource.headers).map((k) => [k, REDACTED]))
            : undefined,
        }
      : options.rateSource
  return { ...options, merchantPrivateKey: REDACTED, rateSource }
}
