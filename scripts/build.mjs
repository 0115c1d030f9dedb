// `npm run build` (and prepublishOnly): `medusa plugin:build`, without the noise of the CLI's launcher.
//
// The `medusa` bin (@medusajs/cli/cli.js) first tries to register ts-node and, when it is not installed (it is
// not needed to build a plugin: the build compiles with tsc and Vite), prints "ts-node cannot be loaded" and a
// full stack trace on every successful build. This runs the CLI's own entry point (the file that launcher
// requires next) instead, so a build that succeeds prints only Medusa's progress lines; errors still show.

import { spawnSync } from "node:child_process"
import { createRequire } from "node:module"
import path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const cliEntry = createRequire(path.join(root, "package.json")).resolve("@medusajs/cli")
const result = spawnSync(process.execPath, [cliEntry, "plugin:build", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" })
if (result.error) {
  console.error(`build: could not run the Medusa CLI (${result.error.message})`)
  process.exit(1)
}
process.exit(result.status ?? 1)
