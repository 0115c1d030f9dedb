// jest globalSetup for the Postgres tiers. Env set here reaches the workers. The handle is kept on
// globalThis because jest runs globalTeardown in this same process.
import { startPostgres } from "./pg.mjs"

export default async function globalSetup() {
  const pg = await startPostgres()
  Object.assign(process.env, pg.env)
  globalThis.__WAAS_TEST_PG__ = pg
}
