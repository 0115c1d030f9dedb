// Test-and-demo-only Medusa config (not compiled, not published). It loads the plugin straight from
// src/, the way medusaIntegrationTestRunner and a local `medusa develop` see it.
//
// In this mode Medusa neither auto-discovers src/modules nor applies plugin-level options, so the
// module and the provider are registered by path, and both get the same options: the JSON object
// in WAAS_PLUGIN_OPTIONS (tests set it; see the plugin README for its fields).
import fs from "node:fs"
import path from "node:path"
import { defineConfig, loadEnv } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

function pluginOptions(): Record<string, unknown> {
  const raw = process.env.WAAS_PLUGIN_OPTIONS
  if (!raw) return {}
  try {
    return JSON.parse(raw)
  } catch (error) {
    throw new Error(`WAAS_PLUGIN_OPTIONS is not valid JSON: ${(error as Error).message}`)
  }
}

function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL
  const user = encodeURIComponent(process.env.DB_USERNAME ?? "postgres")
  const password = encodeURIComponent(process.env.DB_PASSWORD ?? "")
  // "localhost", not 127.0.0.1: the test runner enables SSL for any other host name
  return `postgres://${user}:${password}@${process.env.DB_HOST ?? "localhost"}:${process.env.DB_PORT ?? "5432"}/${process.env.DB_NAME ?? "medusa-waas"}`
}

// The module and the provider are written in parallel with this harness; register each only once
// it exists, so the harness boots a plain store before they land.
const exists = (file: string) => fs.existsSync(path.join(__dirname, file))
const hasModule = exists("src/modules/waas/index.ts")
const hasProvider = exists("src/providers/waas/index.ts")
const options = pluginOptions()

const modules: Array<Record<string, unknown>> = []
if (hasModule) {
  modules.push({ resolve: "./src/modules/waas", options })
}
if (hasProvider) {
  modules.push({
    resolve: "@medusajs/medusa/payment",
    // the provider only sees the payment module's container unless it depends on the waas module
    dependencies: hasModule ? ["waas"] : [],
    options: { providers: [{ resolve: "./src/providers/waas", id: "waas", options }] },
  })
}

// The multi-instance tier (integration-tests/multi) runs several Medusa processes on one database with
// Medusa's Redis modules; it names the Redis server in WAAS_TEST_REDIS_URL and each process's role in
// MEDUSA_WORKER_MODE ("server" | "worker" | "shared"). Without them: Medusa's in-memory modules, one process.
const redisUrl = process.env.WAAS_TEST_REDIS_URL
if (redisUrl) {
  modules.push(
    { resolve: "@medusajs/medusa/event-bus-redis", options: { redisUrl } },
    { resolve: "@medusajs/medusa/workflow-engine-redis", options: { redis: { redisUrl } } },
    { resolve: "@medusajs/medusa/cache-redis", options: { redisUrl } },
    {
      resolve: "@medusajs/medusa/locking",
      options: { providers: [{ resolve: "@medusajs/medusa/locking-redis", id: "locking-redis", is_default: true, options: { redisUrl } }] },
    },
  )
}
const workerMode = process.env.MEDUSA_WORKER_MODE as "server" | "worker" | "shared" | undefined

const localCors = "http://localhost:5173,http://localhost:9000,http://localhost:8000,http://127.0.0.1:9000"

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: databaseUrl(),
    ...(redisUrl && { redisUrl }),
    ...(workerMode && { workerMode }),
    http: {
      jwtSecret: process.env.JWT_SECRET || "test-jwt-secret",
      cookieSecret: process.env.COOKIE_SECRET || "test-cookie-secret",
      storeCors: process.env.STORE_CORS || localCors,
      adminCors: process.env.ADMIN_CORS || localCors,
      authCors: process.env.AUTH_CORS || localCors,
    },
  },
  // the benchmarks boot a server without the dashboard (no admin build, no Vite dev server)
  admin: { disable: process.env.WAAS_ADMIN_DISABLED === "true" },
  modules,
})
