// Child processes for the demo: each runs in its own process group so stopping it also stops
// whatever it forked (Medusa's CLI forks, npm forks), and nothing is left behind on Ctrl-C.
import { spawn } from "node:child_process"
import { createWriteStream } from "node:fs"
import { readFile } from "node:fs/promises"
import { createServer } from "node:net"

/** A free TCP port on localhost, chosen by the kernel. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "localhost", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Every process started here and not yet stopped, so an interrupt can stop one mid-step too. */
const running = new Set()

/**
 * Stops whatever is still running, newest first: the Medusa server, or a command caught mid-step
 * (a migration, say) by Ctrl-C. The demo calls this before undoing anything a process depends on.
 */
export async function stopRunningProcesses(log = console.log) {
  for (const proc of [...running].reverse()) {
    const t = Date.now()
    await proc.stop()
    log(`  stopped ${proc.name} (${((Date.now() - t) / 1000).toFixed(1)} s)`)
  }
}

/**
 * Starts `command args` with its output appended to `logFile`. Returns a handle whose `stop()`
 * signals the whole group (SIGTERM, then SIGKILL after `graceMs`) and resolves once it has exited.
 * `onLine` sees every output line, for callers that wait on what a process prints.
 */
export function startProcess(name, command, args, { cwd, env, logFile, onLine, graceMs = 10_000 }) {
  const log = createWriteStream(logFile, { flags: "a" })
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  let exited = false
  let exitInfo = null
  const exitPromise = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      exited = true
      exitInfo = { code, signal }
      resolve(exitInfo)
    })
    child.once("error", (error) => {
      exited = true
      exitInfo = { code: null, signal: null, error }
      resolve(exitInfo)
    })
  })
  for (const stream of [child.stdout, child.stderr]) {
    let pending = ""
    stream.on("data", (chunk) => {
      log.write(chunk)
      if (!onLine) return
      pending += chunk.toString("utf8")
      const lines = pending.split("\n")
      pending = lines.pop() ?? ""
      for (const line of lines) onLine(line)
    })
  }

  let stopping = null
  const handle = {
    name,
    pid: child.pid,
    logFile,
    get exited() {
      return exited
    },
    get exitInfo() {
      return exitInfo
    },
    exit: exitPromise,
    /** Idempotent: every caller waits for the same shutdown. */
    stop() {
      stopping ??= (async () => {
        if (!exited) {
          signalGroup(child.pid, "SIGTERM")
          const timer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), graceMs)
          await exitPromise
          clearTimeout(timer)
        }
        // a group leader can exit before its children (`medusa develop` did in testing): sweep the group
        signalGroup(child.pid, "SIGKILL")
        await new Promise((resolve) => log.end(resolve))
        running.delete(handle)
      })()
      return stopping
    },
  }
  running.add(handle)
  return handle
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal)
  } catch (error) {
    if (error.code !== "ESRCH") throw error
  }
}

/** Runs a command to completion; rejects with the tail of its log when it fails. */
export async function runToCompletion(name, command, args, options) {
  const proc = startProcess(name, command, args, options)
  const { code, signal, error } = await proc.exit
  await proc.stop()
  if (error || code !== 0) {
    const why = error ? error.message : signal ? `killed by ${signal}` : `exit code ${code}`
    throw new Error(`${name} failed (${why}). Last lines of ${options.logFile}:\n${await tail(options.logFile)}`)
  }
}

/** Polls `url` until it answers 2xx, the process dies, or `timeoutMs` passes. */
export async function waitForHttp(url, { proc, timeoutMs = 120_000, intervalMs = 250 }) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (proc?.exited) {
      throw new Error(`${proc.name} exited (${JSON.stringify(proc.exitInfo)}) before ${url} answered. Last lines of ${proc.logFile}:\n${await tail(proc.logFile)}`)
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`)
}

export async function tail(file, lines = 30) {
  try {
    const text = await readFile(file, "utf8")
    // drop ANSI colours so the tail reads well in any terminal or CI log
    return text.replace(/\u001b\[[0-9;]*m/g, "").trimEnd().split("\n").slice(-lines).join("\n")
  } catch {
    return "(no log)"
  }
}
