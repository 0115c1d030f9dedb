// Runs the demo as a list of named steps, printing each as it goes, and undoes what the steps
// started (LIFO) however the run ends: success, a failed step, Ctrl-C or SIGTERM.

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`

export class StepFailure extends Error {
  constructor(step, cause) {
    super(`step "${step.name}" failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.step = step
  }
}

export function createRunner({ log = console.log } = {}) {
  const cleanups = []
  let cleaning = null

  const runner = {
    /** Registers something to undo at the end; the last registered is undone first. */
    defer(name, fn) {
      cleanups.push({ name, fn })
    },

    async runSteps(steps, ctx) {
      const started = Date.now()
      for (const [i, step] of steps.entries()) {
        log(`\n▶ [${i + 1}/${steps.length}] ${step.name}: ${step.title}`)
        const t = Date.now()
        try {
          const summary = await step.run(ctx, runner)
          for (const line of [summary].flat().filter(Boolean)) log(`  ${line}`)
          log(`✔ ${step.name} (${seconds(Date.now() - t)})`)
        } catch (error) {
          log(`✖ ${step.name} (${seconds(Date.now() - t)})`)
          throw new StepFailure(step, error)
        }
      }
      return Date.now() - started
    },

    /** Undo everything once; safe to call from several exit paths at the same time. */
    cleanup() {
      cleaning ??= (async () => {
        while (cleanups.length) {
          const { name, fn } = cleanups.pop()
          const t = Date.now()
          try {
            await fn()
            log(`  stopped ${name} (${seconds(Date.now() - t)})`)
          } catch (error) {
            log(`  could not stop ${name}: ${error instanceof Error ? error.message : String(error)}`)
          }
        }
      })()
      return cleaning
    },
  }
  return runner
}

/** Resolves on the first SIGINT or SIGTERM, with the signal's name. */
export function untilSignal() {
  return new Promise((resolve) => {
    const onSignal = (signal) => {
      process.off("SIGINT", onSignal)
      process.off("SIGTERM", onSignal)
      resolve(signal)
    }
    process.on("SIGINT", onSignal)
    process.on("SIGTERM", onSignal)
  })
}
