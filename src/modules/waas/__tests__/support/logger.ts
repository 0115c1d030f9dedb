/**
 * A logger for module specs: keeps info/warn/error lines for assertions and prints nothing, so the
 * client's per-call debug lines do not flood the test output.
 */
export function recordingLogger() {
  const lines = { info: [] as string[], warn: [] as string[], error: [] as string[] }
  const keep = (into: string[]) => (message: unknown) => {
    into.push(String(message))
  }
  const noop = () => undefined
  const logger = {
    debug: noop,
    log: noop,
    info: keep(lines.info),
    warn: keep(lines.warn),
    error: keep(lines.error),
    panic: keep(lines.error),
    failure: noop,
    success: noop,
    progress: noop,
    activity: () => "",
    shouldLog: () => false,
    setLogLevel: noop,
    unsetLogLevel: noop,
  }
  return {
    logger,
    lines,
    clear(): void {
      lines.info.length = 0
      lines.warn.length = 0
      lines.error.length = 0
    },
  }
}
