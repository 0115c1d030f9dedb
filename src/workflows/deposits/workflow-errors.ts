/** The errors of a workflow run with throwOnError: false, as the deposit path's drivers read them. */
export interface StepError {
  action?: string
  error?: unknown
}

/** One line for the inbox and the logs: each distinct message once, empty ones left out (never "; undefined"). */
export function workflowErrorMessage(errors: readonly StepError[]): string {
  const messages = errors
    .map((e) => {
      const err = e.error as { message?: unknown } | null | undefined
      if (err instanceof Error) return err.message
      if (err && typeof err.message === "string") return err.message
      return err === undefined || err === null ? "" : String(err)
    })
    .filter((m) => m.trim().length > 0)
  return [...new Set(messages)].join("; ") || "the workflow failed without saying why"
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
