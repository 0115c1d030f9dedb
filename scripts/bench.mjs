// `npm run bench`: runs every bench/*.bench.cjs in its own process, one after another, and prints their tables.
// Figures vary with the machine; each benchmark measures a baseline in the same run and prints ratios.
import { spawnSync } from "node:child_process"
import { readdirSync, existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
if (existsSync(join(root, "scripts/ensure-deps.mjs"))) {
  const r = spawnSync(process.execPath, [join(root, "scripts/ensure-deps.mjs")], { stdio: "inherit" })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
const only = process.argv.slice(2)
const files = readdirSync(join(root, "bench"))
  .filter((f) => f.endsWith(".bench.cjs") || f.endsWith(".bench.mjs"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
let failed = 0
for (const f of files) {
  console.log(`\n=== ${f}`)
  const r = spawnSync(process.execPath, [join(root, "bench", f)], { stdio: "inherit", cwd: root })
  if (r.status !== 0) {
    failed++
    console.error(`${f} failed with status ${r.status}`)
  }
}
process.exit(failed ? 1 : 0)
