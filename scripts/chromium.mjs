// Finds the Chromium the browser tier drives through playwright-core, installing Debian's `chromium`
// package when it is missing and we are root. Never a browser download (`npx playwright install`
// fails on these machines, and would pull a second browser anyway).
//
//   import { ensureChromium } from "./chromium.mjs"; const executablePath = ensureChromium()
//   node scripts/chromium.mjs            # prints the path (installing first if needed)
//
// CHROMIUM_PATH overrides the default /usr/bin/chromium.

import { spawnSync } from "node:child_process"
import fs from "node:fs"
import { fileURLToPath } from "node:url"

export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium"

/** Headless flags for these machines (see docs/toolchain.md); `--headless` itself comes from playwright. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]

const isExecutable = (file) => {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

function run(cmd, args) {
  console.log(`chromium: ${cmd} ${args.join(" ")}`)
  const r = spawnSync(cmd, args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  })
  if (r.status !== 0) {
    throw new Error(`chromium: \`${cmd} ${args.join(" ")}\` failed (${r.error?.message ?? `exit ${r.status}`})`)
  }
}

/** The path of a runnable Chromium: CHROMIUM_PATH if set, else /usr/bin/chromium (installed via apt when root). */
export function ensureChromium() {
  const explicit = process.env.CHROMIUM_PATH
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`chromium: CHROMIUM_PATH=${explicit} is not an executable file`)
    return explicit
  }
  if (isExecutable(DEFAULT_CHROMIUM_PATH)) return DEFAULT_CHROMIUM_PATH

  const root = typeof process.getuid === "function" && process.getuid() === 0
  if (!root) {
    throw new Error(
      `chromium: ${DEFAULT_CHROMIUM_PATH} is missing. Install Debian's package with ` +
        "`sudo apt-get update && sudo apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium binary.",
    )
  }
  // `apt-get install` alone fails on a fresh machine whose package lists are empty; update once first.
  run("apt-get", ["update"])
  run("apt-get", ["install", "-y", "chromium"])
  if (!isExecutable(DEFAULT_CHROMIUM_PATH)) {
    throw new Error(`chromium: apt-get installed chromium but ${DEFAULT_CHROMIUM_PATH} is still missing`)
  }
  return DEFAULT_CHROMIUM_PATH
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  try {
    console.log(ensureChromium())
  } catch (error) {
    console.error(error.message)
    process.exit(1)
  }
}
