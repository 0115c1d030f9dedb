/** The errors of a workflow run with throwOnError: false, as the deposit path's drivers read them. */
export interface StepError {
  action?: string
  error?: unknown
}

/** some step failed because the WaaS could not be reached (timeout, network, HTTP 5xx) */
export function failedOnWaasTransport(errors: readonly StepError[]): boolean {
  return errors.some((e) => (e.error as { name?: unknown } | null | undefined)?.name === "WaasTransportError")
}

/** steps after the ledger application: their failures are re-driven from the module's state */
const AFTER_LEDGER = new Set(["waas-capture-settled-payment", "waas-flag-reversed-medusa-payment", "waas-emit-deposit-events"])

/** the ledger part of the run (pull and apply) committed: only steps after it failed */
export function ledgerApplied(errors: readonly StepError[]): boolean {
  return errors.every((e) => e.action !== undefined && AFTER_LEDGER.has(e.action))
}
