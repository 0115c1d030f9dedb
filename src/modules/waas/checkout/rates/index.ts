import type { RateSourceConfig } from "../../options"
import { FixedRateSource } from "./fixed-rate-source"
import { HttpRateSource } from "./http-rate-source"
import type { Clock, RateSource } from "./types"

export * from "./types"
export { computeAmountDue } from "./amount-due"
export { FixedRateSource } from "./fixed-rate-source"
export { HttpRateSource } from "./http-rate-source"

export function createRateSource(config: RateSourceConfig, now: Clock): RateSource {
  return config.type === "fixed" ? new FixedRateSource(config, now) : new HttpRateSource(config, now)
}
