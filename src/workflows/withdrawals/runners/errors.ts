/** the message of a workflow run's errors, one line */
export function workflowErrors(errors: Array<{ error?: unknown }>): string {
  return errors.map((e) => (e.error instanceof Error ? e.error.message : String((e.error as { message?: unknown })?.message ?? e.error))).join("; ")
}
