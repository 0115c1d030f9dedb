#!/usr/bin/env node
// `node scripts/verify-package.mjs [--keep]`: the published package, checked as a store gets it.
//
//   1. `npm run build` (medusa plugin:build: the server and the admin extensions into .medusa/server)
//   2. `npm pack` into a temporary folder
//   3. a minimal Medusa 2.21.2 store in that folder: package.json with the @medusajs versions of our
//      devDependencies, tsconfig.json as the starter's, medusa-config.ts registering the plugin as the README
//      says (options from .env, a fresh RSA key pair), and the tarball installed with `npm install --prefer-offline`
//   4. `npx medusa build` in the store
//   5. the store's built admin bundle (.medusa/server/public/admin/assets/*.js) must contain our extensions: the
//      widgets' zones with their stable ids, the sidebar routes' labels, and strings of the pages themselves
//
// Exits 0 only when every check holds; prints each step's time. Slow (a cold store install, a full admin build:
// minutes, ~2 GB peak), so it is not part of `npm test`. --keep leaves the store folder for a look.
import { spawnSync } from "node:child_process"
import { generateKeyPairSync } from "node:crypto"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const keep = process.argv.includes("--keep")
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
const t0 = Date.now()
const times = []

/** what the store's admin bundle must contain: [what it shows, the string in the bundle] */
const EXPECTED = [
  ["the order widget's zone", '"order.details"'],
  ["the order widget's stable id", "medusa-plugin-waas:order-crypto-payment"],
  ["the order side widget's zone", '"order.details.side"'],
  ["the order side widget's stable id", "medusa-plugin-waas:order-crypto-summary"],
  ["the sidebar route's label", "Crypto payments"],
  ["the reconciliation route's label", "Reconciliation"],
  ["the order widget itself", "waas-order-widget"],
  ["the Refunds tab's groups", "waas-refunds-group-"],
  ["the reconciliation trend chart", "waas-recon-chart"],
]

function step(title, fn) {
  const started = Date.now()
  process.stdout.write(`▶ ${title}\n`)
  const result = fn()
  const s = (Date.now() - started) / 1000
  times.push([title, s])
  process.stdout.write(`  done in ${s.toFixed(1)} s\n`)
  return result
}

function run(cmd, args, cwd, { env = {}, capture = false } = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, MEDUSA_DISABLE_TELEMETRY: "true", ...env },
    stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  })
  if (r.error) throw new Error(`${cmd} ${args.join(" ")}: ${r.error.message}`)
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status} (in ${cwd})`)
  return capture ? r.stdout : ""
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "waas-verify-package-"))
let failed = false
try {
  step("npm run build (the plugin, its admin extensions included)", () => run("npm", ["run", "build"], root))

  const tarball = step("npm pack", () => {
    const out = run("npm", ["pack", "--json", "--pack-destination", work], root, { capture: true })
    const [packed] = JSON.parse(out)
    const file = path.join(work, packed.filename)
    const files = packed.files.map((f) => f.path)
    for (const needed of [".medusa/server/src/admin/index.mjs", ".medusa/server/src/admin/index.js", "simulator/bin.cjs"]) {
      if (!files.includes(needed)) throw new Error(`the tarball lacks ${needed}`)
    }
    console.log(`  ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} KiB`)
    return file
  })

  const store = path.join(work, "store")
  step("a minimal Medusa 2.21.2 store with the tarball installed (npm install --prefer-offline)", () => {
    fs.mkdirSync(path.join(store, "src"), { recursive: true })
    const dev = pkg.devDependencies
    const pin = (names) => Object.fromEntries(names.map((n) => [n, dev[n]]))
    fs.writeFileSync(
      path.join(store, "package.json"),
      JSON.stringify(
        {
          name: "waas-verify-store",
          version: "0.0.0",
          private: true,
          scripts: { build: "medusa build" },
          dependencies: {
            ...pin(["@medusajs/admin-sdk", "@medusajs/cli", "@medusajs/framework", "@medusajs/medusa", "@medusajs/icons", "@medusajs/js-sdk", "@medusajs/ui"]),
            [pkg.name]: `file:${tarball}`,
          },
          devDependencies: {
            ...pin(["@swc/core", "@types/node", "@types/react", "@types/react-dom", "react", "react-dom", "typescript", "vite"]),
            "ts-node": "^10.9.2",
          },
          engines: { node: pkg.engines.node },
        },
        null,
        2,
      ),
    )
    // the starter's tsconfig.json (create-medusa-app)
    fs.writeFileSync(
      path.join(store, "tsconfig.json"),
      JSON.stringify(
        {
          compilerOptions: {
            target: "ES2021", esModuleInterop: true, module: "Node16", moduleResolution: "Node16", emitDecoratorMetadata: true,
            experimentalDecorators: true, skipLibCheck: true, skipDefaultLibCheck: true, declaration: false, sourceMap: false,
            inlineSourceMap: true, outDir: "./.medusa/server", rootDir: "./", jsx: "react-jsx", forceConsistentCasingInFileNames: true,
            resolveJsonModule: true, checkJs: false, strictNullChecks: true,
          },
          "ts-node": { swc: true },
          include: ["**/*", ".medusa/types/*"],
          exclude: ["node_modules", ".medusa/server", ".medusa/admin", ".cache"],
        },
        null,
        2,
      ),
    )
    const merchant = generateKeyPairSync("rsa", { modulusLength: 2048 })
    const wallet = generateKeyPairSync("rsa", { modulusLength: 2048 })
    const der = (key, type) => key.export({ type, format: "der" }).toString("base64")
    fs.writeFileSync(
      path.join(store, ".env"),
      [
        "DATABASE_URL=postgres://postgres:postgres@localhost:5432/waas_verify_store",
        "STORE_CORS=http://localhost:8000",
        "ADMIN_CORS=http://localhost:9000",
        "AUTH_CORS=http://localhost:9000",
        "WAAS_HOST=http://127.0.0.1:4600",
        "WAAS_APP_ID=verify-package",
        `WAAS_MERCHANT_PRIVATE_KEY=${der(merchant.privateKey, "pkcs8")}`,
        `WAAS_PUBLIC_KEY=${der(wallet.publicKey, "spki")}`,
        "",
      ].join("\n"),
    )
    // the README's medusa-config.ts (Try it in your store, step 3), one coin
    fs.writeFileSync(
      path.join(store, "medusa-config.ts"),
      `import { defineConfig, loadEnv } from "@medusajs/framework/utils"
loadEnv(process.env.NODE_ENV || "development", process.cwd())

const waas = {
  waasHost: process.env.WAAS_HOST!,
  pathPrefix: "/api/v2",
  appId: process.env.WAAS_APP_ID!,
  merchantPrivateKey: process.env.WAAS_MERCHANT_PRIVATE_KEY!,
  waasPublicKey: process.env.WAAS_PUBLIC_KEY!,
  coins: [{ symbol: "BTC", displayName: "Bitcoin", network: "bitcoin", decimals: 8, explorerUrl: "https://mempool.space" }],
  defaultCoin: "BTC",
  rateSource: { type: "fixed", rates: { BTC: { usd: "97000" } } },
}

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: process.env.STORE_CORS!,
      adminCors: process.env.ADMIN_CORS!,
      authCors: process.env.AUTH_CORS!,
      jwtSecret: process.env.JWT_SECRET || "supersecret",
      cookieSecret: process.env.COOKIE_SECRET || "supersecret",
    },
  },
  plugins: [{ resolve: "${pkg.name}", options: waas }],
  modules: [
    {
      resolve: "@medusajs/medusa/payment",
      dependencies: ["waas"],
      options: { providers: [{ resolve: "${pkg.name}/providers/waas", id: "waas" }] },
    },
  ],
})
`,
    )
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], store)
    const installed = JSON.parse(fs.readFileSync(path.join(store, "node_modules", pkg.name, "package.json"), "utf8"))
    if (installed.version !== pkg.version) throw new Error(`the store has ${pkg.name}@${installed.version}, not ${pkg.version}`)
  })

  step("npx medusa build (the store's server and admin)", () => run("npx", ["medusa", "build"], store))

  step("the built admin bundle contains the plugin's extensions", () => {
    const assets = path.join(store, ".medusa", "server", "public", "admin", "assets")
    const files = fs.readdirSync(assets).filter((f) => f.endsWith(".js"))
    if (files.length === 0) throw new Error(`no .js in ${assets}`)
    const where = new Map(EXPECTED.map(([, s]) => [s, []]))
    for (const f of files) {
      const text = fs.readFileSync(path.join(assets, f), "utf8")
      for (const [, s] of EXPECTED) if (text.includes(s)) where.get(s).push(f)
    }
    const missing = EXPECTED.filter(([, s]) => where.get(s).length === 0)
    for (const [what, s] of EXPECTED) console.log(`  ${where.get(s).length ? "✔" : "✖"} ${what}: ${s}${where.get(s).length ? ` (${where.get(s).join(", ")})` : ""}`)
    if (missing.length) throw new Error(`the store's admin bundle lacks ${missing.map(([what]) => what).join(", ")}`)
  })
} catch (e) {
  failed = true
  console.error(`\n✖ ${e instanceof Error ? e.message : String(e)}`)
} finally {
  if (keep || failed) console.log(`\nthe store: ${path.join(work, "store")}`)
  else fs.rmSync(work, { recursive: true, force: true })
}

console.log(`\n${failed ? "✖ failed" : "✔ the package works in a store"} after ${((Date.now() - t0) / 1000).toFixed(1)} s`)
for (const [title, s] of times) console.log(`  ${s.toFixed(1).padStart(6)} s  ${title}`)
process.exit(failed ? 1 : 0)
