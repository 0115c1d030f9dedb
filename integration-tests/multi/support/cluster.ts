import { randomBytes } from "node:crypto"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { Client } from "pg"
import { generateWaasKeyPair } from "../../../src/protocol"
import { WaasClient } from "../../../src/client"
import type { RawWaasOptions } from "../../../src/modules/waas/options"
import { startSimulator, type WaasSimulator } from "../../../simulator"
import { waasPluginOptions } from "../../helpers/plugin-options"
import { startLoadBalancer, type LoadBalancer } from "./load-balancer"
import { freePort, MEDUSA_CLI, redisForRun, ROOT, runToCompletion, startProcess, tail, waitForHttp, type ProcessHandle } from "./processes"

export type Role = "server" | "worker"

export interface Instance {
  name: string
  role: Role
  port: number
  url: string
  proc: ProcessHandle
}

export interface Seeded {
  store: { publishableKey: string; regionId: string; variantId: string }
}

/**
 * Several real Medusa processes (`medusa start`) on one Postgres database and one Redis, with Medusa's Redis
 * event bus, workflow engine, locking and cache (medusa-config.ts, WAAS_TEST_REDIS_URL), one in `worker` mode
 * (jobs, subscribers) and the others in `server` mode (HTTP). The simulator's callbacks reach the servers
 * through a round-robin load balancer. Everything runs on loopback and is stopped by stop().
 */
export class Cluster {
  readonly workDir = fs.mkdtempSync(path.join(os.tmpdir(), "waas-multi-"))
  readonly instances: Instance[] = []
  sim!: WaasSimulator
  lb!: LoadBalancer
  db!: Client
  seeded!: Seeded
  options!: RawWaasOptions
  admins = {
    clerk: { email: "clerk@multi.invalid", password: randomBytes(12).toString("base64url") },
    approver: { email: "approver@multi.invalid", password: randomBytes(12).toString("base64url") },
  }
  treasuryUid = 0
  redisUrl = ""
  private env: NodeJS.ProcessEnv = {}
  private redisStop: (() => Promise<void>) | null = null
  private serverUrl = ""
  private databaseName = `waas_multi_${Date.now()}`
  private databaseUrl = ""
  private serial = 0

  async start(opts: { poolBatchSize: number; servers: number }): Promise<void> {
    const redis = await redisForRun(this.log("redis"))
    this.redisStop = redis.stop
    this.redisUrl = redis.url

    this.lb = await startLoadBalancer(() => this.servers().map((s) => s.port))
    const keys = generateWaasKeyPair()
    const appId = randomBytes(16).toString("hex")
    const notifyUrl = `${this.lb.url}/hooks/waas/notify`
    const confirmUrl = `${this.lb.url}/hooks/waas/withdraw-confirm`
    this.sim = await startSimulator({
      port: 0,
      clock: "real",
      merchants: [{ appId, merchantPublicKey: keys.publicKey, notifyUrl, confirmUrl }],
    })
    const client = new WaasClient({
      host: this.sim.url,
      pathPrefix: this.sim.pathPrefix,
      appId,
      merchantPrivateKey: keys.privateKey,
      waasPublicKey: this.sim.walletPublicKey,
    })
    this.treasuryUid = (await client.registerEmail("treasury@multi-refunds.invalid")).uid
    await client.destroy()
    this.sim.control.addMerchant({ appId, merchantPublicKey: keys.publicKey, notifyUrl, confirmUrl, payoutUid: this.treasuryUid })
    this.sim.control.fund("company", "USDTERC20", "100000", appId)

    this.options = {
      ...waasPluginOptions(this.sim, { appId, merchantPrivateKey: keys.privateKey }, { poolBatchSize: opts.poolBatchSize }),
      depositPollIntervalSeconds: 15,
      withdrawals: { payer: { type: "treasury", uid: String(this.treasuryUid) }, serviceFees: { USDTERC20: "3" }, pollIntervalSeconds: 15 },
    }

    const databaseUrl = process.env.DATABASE_URL
    if (!databaseUrl) throw new Error("the multi tier needs DATABASE_URL (scripts/test.mjs or the jest global setup sets it)")
    const server = new URL(databaseUrl)
    server.pathname = "/postgres"
    this.serverUrl = server.toString()
    const own = new URL(this.serverUrl)
    own.pathname = `/${this.databaseName}`

    const register = path.join(ROOT, "scripts", "ts-register.cjs")
    this.env = {
      ...process.env,
      // the plugin's TypeScript through swc, surviving the CLI's forks (as the demo runs Medusa)
      NODE_OPTIONS: `--require "${register}"`,
      NODE_ENV: "development",
      DATABASE_URL: own.toString(),
      WAAS_PLUGIN_OPTIONS: JSON.stringify(this.options),
      JWT_SECRET: randomBytes(32).toString("hex"),
      COOKIE_SECRET: randomBytes(32).toString("hex"),
      WAAS_TEST_REDIS_URL: redis.url,
      WAAS_ADMIN_DISABLED: "true",
      LOG_LEVEL: "info",
      MEDUSA_DISABLE_TELEMETRY: "true",
    }
    await this.admin(`CREATE DATABASE "${this.databaseName}"`)
    await runToCompletion("medusa db:migrate", [MEDUSA_CLI, "db:migrate"], { env: this.env, logFile: this.log("migrate") })
    const out = path.join(this.workDir, "seed.json")
    await runToCompletion("medusa exec seed", [MEDUSA_CLI, "exec", "./scripts/demo/seed.ts"], {
      env: {
        ...this.env,
        DEMO_SEED_OUT: out,
        DEMO_ADMIN_EMAIL: this.admins.clerk.email,
        DEMO_ADMIN_PASSWORD: this.admins.clerk.password,
        DEMO_APPROVER_EMAIL: this.admins.approver.email,
        DEMO_APPROVER_PASSWORD: this.admins.approver.password,
      },
      logFile: this.log("seed"),
    })
    this.seeded = JSON.parse(fs.readFileSync(out, "utf8")) as Seeded

    this.databaseUrl = own.toString()
    this.db = await this.connect()

    // booted together: on 2 cores a boot takes 20-60 s, and they share nothing but the database and Redis
    const roles: Role[] = ["worker", ...Array.from({ length: opts.servers }, () => "server" as const)]
    await Promise.all(roles.map((role) => this.startInstance(role)))
  }

  servers(): Instance[] {
    return this.instances.filter((i) => i.role === "server" && !i.proc.exited)
  }

  workers(): Instance[] {
    return this.instances.filter((i) => i.role === "worker" && !i.proc.exited)
  }

  log(name: string): string {
    return path.join(this.workDir, `${name}.log`)
  }

  async startInstance(role: Role): Promise<Instance> {
    const port = await freePort()
    const name = `${role}-${++this.serial}`
    const proc = startProcess(`medusa start (${name})`, [MEDUSA_CLI, "start"], {
      env: { ...this.env, PORT: String(port), MEDUSA_WORKER_MODE: role },
      logFile: this.log(name),
    })
    const instance: Instance = { name, role, port, url: `http://localhost:${port}`, proc }
    this.instances.push(instance)
    await waitForHttp(`${instance.url}/health`, proc, 240_000)
    return instance
  }

  /** `medusa exec <script>`: one more Medusa process (no HTTP) on the same database and Redis */
  async exec(name: string, script: string, env: NodeJS.ProcessEnv): Promise<void> {
    await runToCompletion(`medusa exec ${script} (${name})`, [MEDUSA_CLI, "exec", script], {
      env: { ...this.env, ...env },
      logFile: this.log(name),
    })
  }

  /** a connection of its own to the cluster's database (a test holding a lock); the caller ends it */
  async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.databaseUrl })
    await client.connect()
    return client
  }

  /** SIGSTOP to the instance's process group: it still accepts connections (the kernel does) but answers nothing */
  pause(instance: Instance): void {
    process.kill(-instance.proc.pid, "SIGSTOP")
  }

  /** SIGKILL to the instance's process group: no shutdown hook runs, its connections just vanish */
  async kill(instance: Instance): Promise<void> {
    try {
      process.kill(-instance.proc.pid, "SIGKILL")
    } catch {}
    await instance.proc.exit
    await instance.proc.stop()
  }

  /** a statement on the server's maintenance database (CREATE/DROP DATABASE) */
  private async admin(sql: string): Promise<void> {
    const client = new Client({ connectionString: this.serverUrl })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
  }

  async rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(sql, params)).rows as T[]
  }

  /** the last lines of every instance's log, for a failure message */
  async logs(): Promise<string> {
    const parts = await Promise.all(this.instances.map(async (i) => `--- ${i.name} (${i.proc.logFile})\n${await tail(i.proc.logFile, 40)}`))
    return parts.join("\n")
  }

  async stop(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.proc.stop().catch(() => undefined)))
    await this.db?.end().catch(() => undefined)
    await this.sim?.stop().catch(() => undefined)
    await this.lb?.stop().catch(() => undefined)
    if (this.serverUrl) await this.admin(`DROP DATABASE IF EXISTS "${this.databaseName}" WITH (FORCE)`).catch(() => undefined)
    await this.redisStop?.()
    if (process.env.WAAS_MULTI_KEEP_LOGS !== "true") fs.rmSync(this.workDir, { recursive: true, force: true })
  }
}
