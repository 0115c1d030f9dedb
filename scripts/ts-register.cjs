// Lets plain `node` load the plugin's TypeScript sources (benchmarks, demo, simulator CLI from a checkout)
// by transpiling each .ts file with @swc/core on first require. No type-checking: `npm run typecheck` does that.
"use strict"
const fs = require("node:fs")
const { transformSync } = require("@swc/core")

function compile(source, filename) {
  return transformSync(source, {
    filename,
    sourceMaps: "inline",
    module: { type: "commonjs" },
    jsc: {
      target: "es2021",
      parser: { syntax: "typescript", decorators: true, tsx: filename.endsWith(".tsx") },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
  }).code
}

for (const ext of [".ts", ".tsx"]) {
  require.extensions[ext] = function (module, filename) {
    module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename)
  }
}
