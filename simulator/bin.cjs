#!/usr/bin/env node
"use strict"
/**
 * `waas-simulator` entry point.
 * - In a checkout (simulator/cli.ts and scripts/ts-register.cjs present, @swc/core installed): runs the TypeScript
 *   sources through the project's swc require hook, so it is always the current code, never a stale build.
 * - In the published package (which ships only .medusa/server and this file): runs the compiled
 *   .medusa/server/simulator/cli.js.
 */
const fs = require("node:fs")
const path = require("node:path")

const root = path.resolve(__dirname, "..")
const source = path.join(__dirname, "cli.ts")
const register = path.join(root, "scripts", "ts-register.cjs")
const compiled = path.join(root, ".medusa", "server", "simulator", "cli.js")

function loadCli() {
  if (fs.existsSync(source) && fs.existsSync(register)) {
    let registered = false
    try {
      require(register)
      registered = true
    } catch {
      // @swc/core missing (production install of a checkout): fall back to the build
    }
    if (registered) return require(source)
  }
  if (fs.existsSync(compiled)) return require(compiled)
  process.stderr.write(
    "waas-simulator: found neither the TypeScript sources with @swc/core nor a build (.medusa/server/simulator/cli.js).\n" +
      "In a checkout run `npm install` (or `npm run build`).\n"
  )
  process.exit(1)
}

loadCli()
  .main(process.argv.slice(2))
  .catch((e) => {
    process.stderr.write(`waas-simulator: ${e && e.stack ? e.stack : e}\n`)
    process.exit(1)
  })
