import { spawnSync } from "node:child_process"
import path from "node:path"
import { testOptions } from "./support/fixtures"

/**
 * The module as a store boots it (MedusaApp, loaders included), each boot in its own process, because a
 * failed module load ends the process, as it should end a store's boot. Good options boot; a bad option
 * stops the boot with a message naming it and leaking no secret. Every option's message is covered by
 * options.unit.spec.ts; this proves the check is wired into the real boot.
 */
const repo = path.join(__dirname, "../../../..")

function databaseUrl(): string {
  const { DB_USERNAME = "postgres", DB_PASSWORD = "", DB_HOST = "localhost", DB_PORT = "5432" } = process.env
  return process.env.DATABASE_URL ?? `postgres://${DB_USERNAME}:${encodeURIComponent(DB_PASSWORD)}@${DB_HOST}:${DB_PORT}/postgres`
}

function boot(options: Record<string, unknown>) {
  const r = spawnSync(
    process.execPath,
    ["-r", path.join(repo, "scripts/ts-register.cjs"), path.join(__dirname, "support/boot-module.ts")],
    {
      cwd: repo,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: "", DATABASE_URL: databaseUrl(), WAAS_BOOT_OPTIONS: JSON.stringify(options) },
    },
  )
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe("booting the waas module with plugin options", () => {
  it("boots with good options", () => {
    const r = boot(testOptions())
    expect(r.stderr).not.toMatch(/invalid option/)
    expect(r.status).toBe(0)
    expect(r.stdout).toContain("booted: BTC,ETH,USDTERC20")
  })

  it.each([
    ["coins[1].decimals", (o: ReturnType<typeof testOptions>) => ({ ...o, coins: o.coins.map((c, i) => (i === 1 ? { ...c, decimals: 99 } : c)) })],
    ["waasHost", (o: ReturnType<typeof testOptions>) => ({ ...o, waasHost: "not a url" })],
    ["merchantPrivateKey", (o: ReturnType<typeof testOptions>) => ({ ...o, merchantPrivateKey: "not-a-key" })],
    ["withdrawals.feeBearer", (o: ReturnType<typeof testOptions>) => ({ ...o, withdrawals: { feeBearer: "nobody" } })],
  ])("refuses to boot when %s is bad, naming it and leaking no secret", (option, mutate) => {
    const good = testOptions()
    const r = boot(mutate(good))
    expect(r.status).not.toBe(0)
    expect(r.stdout).not.toContain("booted:")
    expect(r.stderr).toContain(`medusa-plugin-waas: invalid option "${option}"`)
    expect(r.stderr).not.toContain(good.merchantPrivateKey)
  })

  it("warns at boot when refunds need no approval, and only then", () => {
    const unreviewed = boot({ ...testOptions(), withdrawals: { approvals: 0 } })
    expect(unreviewed.status).toBe(0)
    expect(`${unreviewed.stdout}${unreviewed.stderr}`).toContain("refunds leave without a second pair of eyes")
    const reviewed = boot(testOptions())
    expect(`${reviewed.stdout}${reviewed.stderr}`).not.toContain("second pair of eyes")
  })
})
