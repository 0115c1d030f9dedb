// `npm run db:generate`: generates the waas module's migration from its models (medusa plugin:db:generate),
// against the database from DATABASE_URL/DB_* or an embedded one started for the occasion.
// `--check` (used by CI) fails when the models and the committed migrations/snapshot disagree, i.e. when
// generating would write a new migration; the stray file is removed again.
//
// The CLI is run with our swc require hook because Medusa's own TypeScript loader needs ts-node,
// which this package does not ship.
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { startPostgres } from "./pg.mjs"

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..")
const migrations = path.join(root, "src/modules/waas/migrations")
const check = process.argv.includes("--check")
const list = () => new Set(fs.existsSync(migrations) ? fs.readdirSync(migrations) : [])
const snapshot = path.join(migrations, ".snapshot-medusa-waas.json")

const before = list()
const snapshotBefore = fs.existsSync(snapshot) ? fs.readFileSync(snapshot, "utf8") : null
const pg = await startPostgres()
let status = 0
try {
  const r = spawnSync(
    process.execPath,
    ["-r", path.join(root, "scripts/ts-register.cjs"), path.join(root, "node_modules/@medusajs/cli/cli.js"), "plugin:db:generate"],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...pg.env, MEDUSA_DISABLE_TELEMETRY: "true" } },
  )
  const out = `${r.stdout}${r.stderr}`
  if (r.status !== 0) {
    console.error(out)
    status = r.status ?? 1
  } else {
    const added = [...list()].filter((f) => !before.has(f))
    if (check) {
      if (added.length > 0) {
        for (const f of added) fs.rmSync(path.join(migrations, f))
        if (snapshotBefore !== null) fs.writeFileSync(snapshot, snapshotBefore)
        console.error(
          `migration drift: the waas models differ from the committed migrations (generating would add ${added.join(", ")}). ` +
            "Run `npm run db:generate` and commit the migration with its snapshot.",
        )
        status = 1
      } else {
        console.log("migrations match the models")
      }
    } else {
      console.log(added.length ? `created ${added.join(", ")}` : "No migration created: the models match the migrations")
    }
  }
} finally {
  await pg.stop()
}
process.exit(status)
