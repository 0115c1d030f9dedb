// Builds the migrated database every Medusa-booting spec of a test run starts from (scripts/test.mjs runs
// this once per run, in its own process; integration-tests/helpers/store-runner.ts clones it per spec file).
//
//   node scripts/test-base-db.cjs <database name>
//
// It does what medusaIntegrationTestRunner does before it boots Medusa (Medusa's and the plugin's
// migrations, then the link tables), with the same functions and this repo's medusa-config.ts, so a spec
// whose database is a copy of this one finds every migration applied. The runner still runs its own
// migrate and link sync on the copy: anything missing here is done there, nothing is skipped.
"use strict"
require("./ts-register.cjs")
const path = require("node:path")

const root = path.resolve(__dirname, "..")

async function main() {
  const dbName = process.argv[2]
  if (!dbName || !/^[a-z0-9_-]+$/.test(dbName)) throw new Error(`test-base-db: give a database name (got ${dbName})`)
  const utils = require("@medusajs/test-utils")
  const { ContainerRegistrationKeys, getResolvedPlugins, mergePluginModules } = require("@medusajs/framework/utils")
  const { asValue } = require("@medusajs/framework/awilix")
  const { logger } = require("@medusajs/framework/logger")
  const clientUrl = utils.TestDatabaseUtils.getDatabaseURL(dbName)
  // the same server and credentials as the runner (DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD)
  const credentials = {
    host: process.env.DB_HOST ?? "localhost",
    port: Number(process.env.DB_PORT ?? 5432),
    user: process.env.DB_USERNAME ?? "",
    password: process.env.DB_PASSWORD ?? "",
  }
  await utils.dropDatabase({ databaseName: dbName, errorIfNonExist: false }, credentials)
  await utils.createDatabase({ databaseName: dbName, errorIfExist: true }, credentials)
  await utils.configLoaderOverride(root, { dbName, clientUrl, schema: "public", debug: false })
  const { container, MedusaAppLoader } = await import("@medusajs/framework")
  const { Migrator } = require("@medusajs/framework/migrations")
  const appLoader = new MedusaAppLoader({ medusaConfigPath: root, cwd: root })
  const configModule = container.resolve(ContainerRegistrationKeys.CONFIG_MODULE)
  mergePluginModules(configModule, await getResolvedPlugins(root, configModule), root)
  container.register({ [ContainerRegistrationKeys.LOGGER]: asValue(logger) })
  // the runner's own database connection (initDb) is what Medusa's migrator and link sync resolve
  await utils.initDb()
  await new Migrator({ container }).ensureMigrationsTable()
  await utils.migrateDatabase(appLoader)
  await utils.syncLinks(appLoader, root, container, logger)
  await utils.clearInstances()
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`test-base-db: ${error?.stack ?? error}`)
    process.exit(1)
  },
)
