// Installs node_modules when they are missing or stale, and does nothing (in milliseconds) otherwise.
// Plain Node on purpose: it runs before anything is installed. Usable as `node scripts/ensure-deps.mjs`
// or `import { ensureDeps } from "./ensure-deps.mjs"`.
//
// `npm install`, never `npm ci`: the registry reachable from CI lacks other platforms' builds of
// packages such as @swc/core, so the lockfile written there omits them and `npm ci` rejects it.

import { spawnSync } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
// npm rewrites this on every install; we also touch it afterwards, so its mtime means "installed at"
const marker = path.join(root, "node_modules", ".package-lock.json")

const mtime = (file) => {
  try {
    return fs.statSync(file).mtimeMs
  } catch {
    return -1
  }
}

/** Why an install is needed, or null when node_modules is up to date. */
export function staleReason() {
  const installedAt = mtime(marker)
  if (installedAt < 0) return "node_modules is missing"
  for (const file of ["package.json", "package-lock.json"]) {
    if (mtime(path.join(root, file)) > installedAt) return `${file} changed since the last install`
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
  // A look at the disk, not require.resolve: many packages do not export ./package.json.
  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
    if (!fs.existsSync(path.join(root, "node_modules", name, "package.json"))) return `${name} is not installed`
  }
  return null
}

export function ensureDeps() {
  const reason = staleReason()
  if (!reason) return
  console.log(`ensure-deps: ${reason}; running npm install`)
  const npm = process.platform === "win32" ? "npm.cmd" : "npm"
  const result = spawnSync(npm, ["install", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" })
  if (result.status !== 0) {
    throw new Error(`ensure-deps: npm install failed (${result.error?.message ?? `exit ${result.status}`})`)
  }
  const now = new Date()
  fs.utimesSync(marker, now, now)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    ensureDeps()
  } catch (error) {
    console.error(error.message)
    process.exit(1)
  }
}
