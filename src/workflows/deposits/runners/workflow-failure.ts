/**
 * The text of a failed workflow run, from the `errors` of `run({ throwOnError: false })`, for logs and the
 * inbox's last_error. Those entries are the failed steps' errors ({ action, handlerType, error }, the error
 * often serialized to a plain object). After a failed run Medusa also appends, unwrapped, the error it hit
 * resolving the workflow's response (a transform reading a step that never ran): a consequence of the
 * failure, not its cause, so it counts only when no step error is there.
 */
export function workflowFailureText(errors: readonly unknown[]): string {
  const steps = errors.filter(isStepError)
  const causes = steps.length > 0 ? steps.map((e) => e.error) : errors
  const messages = causes.map(messageOf).filter((m): m is string => m !== null)
  return [...new Set(messages)].join("; ") || "the workflow failed without an error message"
}

function isStepError(e: unknown): e is { action: string; error: unknown } {
  return typeof e === "object" && e !== null && typeof (e as { action?: unknown }).action === "string" && "error" in e
}

function messageOf(error: unknown): string | null {
  if (error === undefined || error === null) return null
  if (typeof error === "object" && typeof (error as { message?: unknown }).message === "string") {
    return (error as { message: string }).message
  }
  return typeof error === "string" ? error : null
}
