import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import path from "node:path"
import { randomBytes } from "node:crypto"
import { parseArgs } from "node:util"
import { generateWaasKeyPair } from "../src/protocol"
import { startSimulator } from "./index"
import type { SimLogger, WaasSimulator } from "./types"

/**
 * `waas-simulator`: run the simulator as a process for a store developer or the demo. Every flag has an
 * environment variable (WAAS_SIM_*); flags win. Key values may be given inline (base64 or PEM) or as @path.
 */
const HELP = `waas-simulator: a local ChainUp Custody WaaS v2 for trying medusa-plugin-waas

Options (environment variable in brackets):
  --port <n>                  listen port, default 4600 (0 = random)           [WAAS_SIM_PORT]
  --host <h>                  listen host, default 127.0.0.1                    [WAAS_SIM_HOST]
  --path-prefix <p>           WaaS path prefix, default /api/v2                 [WAAS_SIM_PATH_PREFIX]
  --app-id <id>               merchant app_id, default: random 32 hex chars     [WAAS_SIM_APP_ID]
  --merchant-public-key <k>   merchant rsa_third_pub (base64 SPKI, PEM or @file); when absent a merchant
                              key pair is generated and its private half printed (demo only)
                                                                                [WAAS_SIM_MERCHANT_PUBLIC_KEY]
  --notify-url <url>          where deposit/withdrawal notifications go         [WAAS_SIM_NOTIFY_URL]
  --confirm-url <url>         withdrawal second-confirmation URL                [WAAS_SIM_CONFIRM_URL]
  --payout-uid <uid>          uid whose withdrawals draw on the company account [WAAS_SIM_PAYOUT_UID]
  --wallet-private-key <k>    WaaS private key (base64 PKCS#8, PEM or @file); generated when absent
                                                                                [WAAS_SIM_WALLET_PRIVATE_KEY]
  --control-token <t>         bearer token of /_control; generated when absent  [WAAS_SIM_CONTROL_TOKEN]
  --state-dir <dir>           keep the generated app_id, keys and control token in <dir>/keys.json,
                              so a restart prints the same values (the ledger itself stays in memory)
                                                                                [WAAS_SIM_STATE_DIR]
  --time-scale <x>            simulated ms per real ms (60: the 2 min retry takes 2 s) [WAAS_SIM_TIME_SCALE]
  --auto-confirm              deposits gain a confirmation every block          [WAAS_SIM_AUTO_CONFIRM=1]
  --block-time-ms <n>         simulated ms per block, default 10000             [WAAS_SIM_BLOCK_TIME_MS]
  --json                      print the settings as one JSON line instead of text
  --quiet                     log warnings and errors only
  --help
`

function readKey(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined
  return value.startsWith("@") ? readFileSync(value.slice(1), "utf8").trim() : value.trim()
}

function num(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined
  const n = Number(value)
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${value}`)
  return n
}

export interface CliSettings {
  url: string
  pathPrefix: string
  appId: string
  walletPublicKey: string
  merchantPrivateKey?: string
  merchantPublicKey: string
  notifyUrl?: string
  confirmUrl?: string
  controlUrl: string
  controlToken: string
}

export async function main(argv: string[]): Promise<WaasSimulator | undefined> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "path-prefix": { type: "string" },
      "app-id": { type: "string" },
      "merchant-public-key": { type: "string" },
      "notify-url": { type: "string" },
      "confirm-url": { type: "string" },
      "payout-uid": { type: "string" },
      "wallet-private-key": { type: "string" },
      "control-token": { type: "string" },
      "state-dir": { type: "string" },
      "time-scale": { type: "string" },
      "auto-confirm": { type: "boolean" },
      "block-time-ms": { type: "string" },
      json: { type: "boolean" },
      quiet: { type: "boolean" },
      help: { type: "boolean" },
    },
  })
  if (v.help) {
    process.stdout.write(HELP)
    return undefined
  }
  const env = process.env
  const pick = (flag: keyof typeof v, name: string): string | undefined => {
    const f = v[flag]
    return typeof f === "string" ? f : env[name]
  }

  const stateDir = pick("state-dir", "WAAS_SIM_STATE_DIR") || undefined
  const kept = stateDir ? keptKeys(stateDir) : undefined
  let merchantPublicKey = readKey(pick("merchant-public-key", "WAAS_SIM_MERCHANT_PUBLIC_KEY"))
  let merchantPrivateKey: string | undefined
  if (!merchantPublicKey) {
    const pair = kept?.merchant ?? generateWaasKeyPair()
    merchantPublicKey = pair.publicKey
    merchantPrivateKey = pair.privateKey
  }
  const appId = pick("app-id", "WAAS_SIM_APP_ID") || kept?.appId || randomBytes(16).toString("hex")
  const walletPrivateKey = readKey(pick("wallet-private-key", "WAAS_SIM_WALLET_PRIVATE_KEY")) ?? kept?.walletPrivateKey
  const controlToken = pick("control-token", "WAAS_SIM_CONTROL_TOKEN") || kept?.controlToken || undefined
  const notifyUrl = pick("notify-url", "WAAS_SIM_NOTIFY_URL") || undefined
  const confirmUrl = pick("confirm-url", "WAAS_SIM_CONFIRM_URL") || undefined
  const quiet = v.quiet === true
  const stamp = (): string => new Date().toISOString()
  const logger: SimLogger = {
    info: (m) => {
      if (!quiet) process.stderr.write(`${stamp()} info  ${m}\n`)
    },
    warn: (m) => process.stderr.write(`${stamp()} warn  ${m}\n`),
    error: (m) => process.stderr.write(`${stamp()} error ${m}\n`),
  }

  const sim = await startSimulator({
    port: num("port", pick("port", "WAAS_SIM_PORT")) ?? 4600,
    host: pick("host", "WAAS_SIM_HOST") || "127.0.0.1",
    pathPrefix: pick("path-prefix", "WAAS_SIM_PATH_PREFIX") ?? "/api/v2",
    walletPrivateKey,
    controlToken,
    timeScale: num("time-scale", pick("time-scale", "WAAS_SIM_TIME_SCALE")),
    autoConfirmDeposits: v["auto-confirm"] === true || env.WAAS_SIM_AUTO_CONFIRM === "1",
    blockTimeMs: num("block-time-ms", pick("block-time-ms", "WAAS_SIM_BLOCK_TIME_MS")),
    merchants: [
      {
        appId,
        merchantPublicKey,
        notifyUrl,
        confirmUrl,
        payoutUid: num("payout-uid", pick("payout-uid", "WAAS_SIM_PAYOUT_UID")),
      },
    ],
    logger,
  })

  if (stateDir && !kept) {
    saveKeys(stateDir, {
      appId,
      merchant: merchantPrivateKey ? { publicKey: merchantPublicKey, privateKey: merchantPrivateKey } : undefined,
      walletPrivateKey: sim.walletPrivateKey,
      controlToken: sim.controlToken,
    })
  }

  const settings: CliSettings = {
    url: sim.url,
    pathPrefix: sim.pathPrefix,
    appId,
    walletPublicKey: sim.walletPublicKey,
    merchantPrivateKey,
    merchantPublicKey,
    notifyUrl,
    confirmUrl,
    controlUrl: sim.controlUrl,
    controlToken: sim.controlToken,
  }
  const shutdown = (signal: string): void => {
    logger.info(`${signal}: stopping`)
    sim.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error(String(e))
        process.exit(1)
      }
    )
  }
  // listen before printing: a script that reads the settings may signal us the moment they appear
  process.once("SIGINT", () => shutdown("SIGINT"))
  process.once("SIGTERM", () => shutdown("SIGTERM"))
  process.stdout.write(v.json ? JSON.stringify(settings) + "\n" : describe(settings))
  return sim
}

/** What --state-dir keeps: the values a store copies into its .env, so they survive a restart. */
interface KeptKeys {
  appId: string
  merchant?: { publicKey: string; privateKey: string }
  walletPrivateKey: string
  controlToken: string
}

function keptKeys(dir: string): KeptKeys | undefined {
  const file = path.join(dir, "keys.json")
  if (!existsSync(file)) return undefined
  try {
    const k = JSON.parse(readFileSync(file, "utf8")) as KeptKeys
    if (typeof k.appId !== "string" || typeof k.walletPrivateKey !== "string" || typeof k.controlToken !== "string") throw new Error("missing fields")
    return k
  } catch (e) {
    throw new Error(`--state-dir: ${file} is not a keys file this simulator wrote (${e instanceof Error ? e.message : String(e)}); move it away to start afresh`)
  }
}

function saveKeys(dir: string, keys: KeptKeys): void {
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, "keys.json")
  // private keys: readable by this user only
  writeFileSync(file, JSON.stringify(keys, null, 2) + "\n", { mode: 0o600 })
  chmodSync(file, 0o600)
}

function describe(s: CliSettings): string {
  const lines = [
    "WaaS simulator running (ChainUp Custody WaaS v2 wire protocol). Configure the store with:",
    `  WaaS host .................. ${s.url}`,
    `  path prefix ................ ${s.pathPrefix || "(none)"}`,
    `  app_id ..................... ${s.appId}`,
    `  WaaS public key (rsa_wallet_pub):`,
    `    ${s.walletPublicKey}`,
  ]
  if (s.merchantPrivateKey) {
    lines.push(
      `  merchant private key (rsa_third_prv), DEMO ONLY: generated because no merchant public key was given;`,
      `  anyone who sees this output can sign requests as this merchant:`,
      `    ${s.merchantPrivateKey}`
    )
  } else {
    lines.push(`  merchant public key ........ (as given)`)
  }
  lines.push(
    "Callbacks the simulator will make:",
    `  notifications .............. ${s.notifyUrl ?? "(none: pass --notify-url)"}`,
    `  second confirmation ........ ${s.confirmUrl ?? "(none: withdrawals are approved without asking; pass --confirm-url)"}`,
    "Control API (deposits, confirmations, withdrawal outcomes, clock, faults):",
    `  ${s.controlUrl}   Authorization: Bearer ${s.controlToken}`,
    "For the store's .env (the plugin README's simulator section reads these names):",
    `  WAAS_HOST=${s.url}`,
    `  WAAS_APP_ID=${s.appId}`,
    `  WAAS_PUBLIC_KEY=${s.walletPublicKey}`,
    ...(s.merchantPrivateKey ? [`  WAAS_MERCHANT_PRIVATE_KEY=${s.merchantPrivateKey}`] : []),
    "Ctrl-C stops the simulator.",
    ""
  )
  return lines.join("\n")
}
