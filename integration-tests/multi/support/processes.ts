import { spawn } from "node:child_process"
import { createWriteStream } from "node:fs"
import { readFile } from "node:fs/promises"
import { createServer } from "node:net"
import path from "node:path"

/**
 * Child processes for the multi tier, after scripts/demo/processes.mjs (which jest cannot import: swc turns
 * import() into require(), and that file is an ES module): each runs in its own process group, so a stop or a
 * SIGKILL reaches whatever it forked, with its output in a log file.
 */
export const ROOT = path.resolve(__dirname, "..", "..", "..")
export const MEDUSA_CLI = path.join(ROOT, "node_modules", "@medusajs", "cli", "cli.js")

export interface ProcessHandle {
  name: string
  pid: number
  logFile: string
  readonly exited: boolean
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** SIGTERM to the group, SIGKILL after graceMs; resolves once it exited */
  stop(): Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "localhost", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0))
    })
  })
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error
  }
}

export function startProcess(
  name: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; logFile: string; graceMs?: number; onLine?: (line: string) => void },
): ProcessHandle {
  const log = createWriteStream(opts.logFile, { flags: "a" })
  const child = spawn(process.execPath, args, { cwd: ROOT, env: opts.env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  let exited = false
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = true
      resolve({ code, signal })
    })
    child.once("error", () => {
      exited = true
      resolve({ code: null, signal: null })
    })
  })
  for (const stream of [child.stdout, child.stderr]) {
    let pending = ""
    stream.on("data", (chunk: Buffer) => {
      log.write(chunk)
      if (!opts.onLine) return
      pending += chunk.toString("utf8")
      const lines = pending.split("\n")
      pending = lines.pop() ?? ""
      for (const line of lines) opts.onLine(line)
    })
  }
  let stopping: Promise<void> | null = null
  return {
    name,
    pid: child.pid ?? -1,
    logFile: opts.logFile,
    get exited() {
      return exited
    },
    exit,
    stop() {
      stopping ??= (async () => {
        if (!exited) {
          signalGroup(child.pid!, "SIGTERM")
          const timer = setTimeout(() => signalGroup(child.pid!, "SIGKILL"), opts.graceMs ?? 15_000)
          await exit
          clearTimeout(timer)
        }
        signalGroup(child.pid!, "SIGKILL")
        await new Promise<void>((resolve) => log.end(resolve))
      })()
      return stopping
    },
  }
}

export async function tail(file: string, lines = 30): Promise<string> {
  try {
    const text = await readFile(file, "utf8")
    return text.replace(/\u001b\[[0-9;]*m/g, "").trimEnd().split("\n").slice(-lines).join("\n")
  } catch {
    return "(no log)"
  }
}

/** runs `node args` to completion; rejects with the tail of its log when it fails */
export async function runToCompletion(name: string, args: string[], opts: { env: NodeJS.ProcessEnv; logFile: string }): Promise<void> {
  const proc = startProcess(name, args, opts)
  const { code, signal } = await proc.exit
  await proc.stop()
  if (code !== 0) throw new Error(`${name} failed (${signal ?? `exit ${code}`}); last lines of ${opts.logFile}:\n${await tail(opts.logFile)}`)
}

/** polls url until 2xx, the process dies, or timeoutMs passes */
export async function waitForHttp(url: string, proc: ProcessHandle, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (proc.exited) throw new Error(`${proc.name} exited before ${url} answered; last lines of ${proc.logFile}:\n${await tail(proc.logFile)}`)
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s; last lines of ${proc.logFile}:\n${await tail(proc.logFile)}`)
}

/**
 * REDIS_URL when the caller gives one (scripts/test.mjs starts a server for this tier and passes it);
 * otherwise scripts/redis.mjs as a child process, which starts (and installs if needed) a redis-server and
 * keeps it up until it is stopped.
 */
export async function redisForRun(logFile: string): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => undefined }
  let found: (url: string) => void = () => undefined
  const url = new Promise<string>((resolve) => (found = resolve))
  const proc = startProcess("scripts/redis.mjs", [path.join(ROOT, "scripts", "redis.mjs")], {
    env: process.env,
    logFile,
    onLine: (line) => {
      const m = /^export REDIS_URL='(.+)'$/.exec(line.trim())
      if (m) found(m[1])
    },
  })
  const started = await Promise.race([url, proc.exit.then(() => null)])
  if (!started) throw new Error(`scripts/redis.mjs exited without starting Redis:\n${await tail(logFile)}`)
  return { url: started, stop: () => proc.stop() }
}
