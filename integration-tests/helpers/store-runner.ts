import { medusaIntegrationTestRunner, TestDatabaseUtils } from "@medusajs/test-utils"
import { randomBytes } from "node:crypto"
import { createPgConnection } from "@medusajs/framework/utils"

type RunnerConfig = Parameters<typeof medusaIntegrationTestRunner>[0]

/**
 * medusaIntegrationTestRunner, on a database cloned from the run's migrated base (scripts/test-base-db.cjs,
 * named in WAAS_TEST_BASE_DB by scripts/test.mjs) instead of one migrated from nothing: Medusa's 190-odd
 * migrations and its link tables are applied once per test run, not once per spec file. The runner still
 * runs its own migrate and link sync on the copy (each finds nothing to do), so a spec sees exactly the
 * database it would have built itself. Without WAAS_TEST_BASE_DB (jest run by hand) it migrates as usual.
 */
export function storeIntegrationTestRunner(config: Omit<RunnerConfig, "dbName">): ReturnType<typeof medusaIntegrationTestRunner> {
  const base = process.env.WAAS_TEST_BASE_DB
  const dbName = `waas-spec-${process.env.JEST_WORKER_ID ?? "1"}-${randomBytes(4).toString("hex")}`
  if (base) {
    // registered before the runner's describe block, so it runs before the runner's own beforeAll
    beforeAll(async () => {
      await cloneDatabase(base, dbName)
    })
  }
  return medusaIntegrationTestRunner({ ...config, dbName })
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`

async function cloneDatabase(template: string, target: string): Promise<void> {
  const db = createPgConnection({ clientUrl: TestDatabaseUtils.getDatabaseURL("postgres"), schema: "public", pool: { min: 0, max: 1 } })
  try {
    // nobody connects to the base, so copies may run side by side (as every CREATE DATABASE copies template1)
    await db.raw(`CREATE DATABASE ${quote(target)} TEMPLATE ${quote(template)}`)
  } finally {
    await db.destroy()
  }
}
