// Runs Medusa from the repository root, loading the plugin straight from `src/` through the root
// medusa-config.ts. No ts-node is installed (Medusa's CLI only warns about that), so every Medusa
// process gets scripts/ts-register.cjs through NODE_OPTIONS: it survives the CLI's own forks.
import { createRequire } from "node:module"
import { join } from "node:path"
import { runToCompletion, startProcess, waitForHttp } from "./processes.mjs"

const require = createRequire(import.meta.url)

export function medusaCli(root) {
  return join(root, "node_modules", "@medusajs", "cli", "cli.js")
}

const cors = (port) => [`http://localhost:${port}`, "http://localhost:8000", "http://localhost:5173"].join(",")

/** The environment every Medusa command of the demo shares. */
export function medusaEnv({ root, databaseUrl, port, pluginOptions, secrets }) {
  const register = join(root, "scripts", "ts-register.cjs")
  const inherited = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ` : ""
  return {
    ...process.env,
    // quoted: a checkout path with spaces must survive NODE_OPTIONS word splitting
    NODE_OPTIONS: `${inherited}--require "${register}"`,
    // development mode serves the admin through Vite and sets no Secure cookie over plain http
    NODE_ENV: "development",
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    WAAS_PLUGIN_OPTIONS: JSON.stringify(pluginOptions),
    JWT_SECRET: secrets.jwt,
    COOKIE_SECRET: secrets.cookie,
    // the store's own origin (admin) plus the usual storefront dev servers (Next.js starter, Vite)
    STORE_CORS: cors(port),
    ADMIN_CORS: cors(port),
    AUTH_CORS: cors(port),
    MEDUSA_DISABLE_TELEMETRY: "true",
  }
}

/**
 * `medusa db:create` reads DATABASE_URL from .env only, never from the environment, so the demo
 * creates its database itself with the `pg` client Medusa already depends on.
 */
export async function createDatabase(serverUrl, name) {
  const { Client } = require("pg")
  const client = new Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE "${name}"`)
  } finally {
    await client.end()
  }
}

export async function dropDatabase(serverUrl, name) {
  const { Client } = require("pg")
  const client = new Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  } finally {
    await client.end()
  }
}

export async function migrate({ root, env, logFile }) {
  await runToCompletion("medusa db:migrate", process.execPath, [medusaCli(root), "db:migrate"], {
    cwd: root,
    env,
    logFile,
  })
}

/** `medusa exec` boots the app without HTTP, runs one script with the container, and exits. */
export async function execScript({ root, env, logFile, script }) {
  await runToCompletion(`medusa exec ${script}`, process.execPath, [medusaCli(root), "exec", script], {
    cwd: root,
    env,
    logFile,
  })
}

/**
 * `medusa start` in development mode: one process, unlike `medusa develop` which adds a file
 * watcher that would restart the demo whenever someone edits the working tree.
 */
export async function startServer({ root, env, logFile, port }) {
  const server = startProcess("medusa start", process.execPath, [medusaCli(root), "start"], {
    cwd: root,
    env,
    logFile,
  })
  await waitForHttp(`http://localhost:${port}/health`, { proc: server, timeoutMs: 180_000 })
  return server
}
