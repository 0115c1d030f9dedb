/**
 * `medusa-plugin-waas/simulator`: a local ChainUp Custody WaaS v2 that speaks the real wire protocol (same
 * envelope and schemas as the plugin's client, from src/protocol) over real HTTP, with real state, a controllable
 * clock, callbacks with the documented retry schedule, and fault injection. See simulator/README.md.
 */
import { createHash, randomBytes } from "node:crypto"
import { DEFAULT_PATH_PREFIX, generateWaasKeyPair, loadPrivateKey, publicKeyToBase64 } from "../src/protocol"
import { AddressAllocator } from "./addresses"
import { createClock } from "./clock"
import { CoinBook, DEFAULT_COINS } from "./coins"
import { requestSecondConfirmation } from "./confirmation"
import { createControl } from "./control"
import { createControlApi } from "./control-api"
import { FaultRegistry } from "./faults"
import { DEFAULT_NOTIFY_SCHEDULE_MS, Notifier } from "./notifier"
import { depositNotification, withdrawNotification, type RenderOptions } from "./records"
import { SimServer } from "./server"
import { SimState } from "./state"
import type { ConfirmationCall, SimLogger, SimulatorOptions, WaasSimulator } from "./types"

export * from "./types"
export { DEFAULT_COINS } from "./coins"
export { DEFAULT_NOTIFY_SCHEDULE_MS, isAcknowledgement } from "./notifier"
export { SimControlError } from "./errors"

const silent: SimLogger = { info() {}, warn() {}, error() {} }

function normalizePrefix(p: string): string {
  const trimmed = p.trim().replace(/\/+$/, "")
  if (trimmed === "") return ""
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1"
  return host.includes(":") ? `[${host}]` : host
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<WaasSimulator> {
  const logger = opts.logger ?? silent
  const walletPrivateKey = opts.walletPrivateKey ?? generateWaasKeyPair().privateKey
  const walletKey = loadPrivateKey(walletPrivateKey)
  const walletPublicKey = publicKeyToBase64(walletKey)
  const controlToken = opts.controlToken ?? randomBytes(24).toString("base64url")
  const pathPrefix = normalizePrefix(opts.pathPrefix ?? DEFAULT_PATH_PREFIX)
  const host = opts.host ?? "127.0.0.1"
  const render: RenderOptions = { amountScale: opts.amountScale, utcOffsetMinutes: opts.utcOffsetMinutes ?? 480 }
  const notifyNonFinal = opts.notifyNonFinal ?? false
  const schedule = opts.notifyScheduleMs ?? DEFAULT_NOTIFY_SCHEDULE_MS
  if (schedule.length === 0 || schedule.some((ms) => !Number.isFinite(ms) || ms < 0)) {
    throw new RangeError("notifyScheduleMs must be a non-empty list of non-negative delays")
  }
  const stopping = new AbortController()

  const clock = createClock({ mode: opts.clock ?? "real", timeScale: opts.timeScale, startTime: opts.startTime, logger })
  const coins = new CoinBook(opts.coins ?? DEFAULT_COINS)
  const faults = new FaultRegistry()
  // same wallet key → same addresses and txids across restarts (a demo can be re-run against saved settings)
  const seed = createHash("sha256").update("waas-simulator/addresses\n").update(walletPrivateKey).digest()
  const confirmations: ConfirmationCall[] = []

  const notifier = new Notifier({
    clock,
    faults,
    walletKey,
    // read at each send, so a merchant's URL can change while notifications are pending
    notifyUrl: (appId) => state.directory.merchant(appId)?.notifyUrl,
    scheduleMs: schedule,
    timeoutMs: opts.notifyTimeoutMs ?? 10_000,
    signal: stopping.signal,
    logger,
  })
  const state = new SimState({
    coins,
    allocator: new AddressAllocator(seed),
    now: clock.now,
    userCap: opts.userCap ?? 50_000,
    autoCollect: opts.autoCollect ?? true,
    hooks: {
      depositChanged(d, final) {
        if (d.silent || (!final && !notifyNonFinal)) return
        const feeSymbol = coins.get(d.symbol).baseSymbol
        notifier.enqueue(d.appId, "deposit", d.id, d.status, depositNotification(d, feeSymbol, render))
      },
      withdrawalChanged(w, final) {
        if (!final && !notifyNonFinal) return
        notifier.enqueue(w.appId, "withdraw", w.id, w.status, withdrawNotification(w, render))
      },
    },
  })
  for (const m of opts.merchants ?? []) state.directory.addMerchant(m)

  const control = createControl({
    state,
    clock,
    faults,
    notifier,
    confirmations,
    autoConfirmDeposits: opts.autoConfirmDeposits ?? false,
    blockTimeMs: opts.blockTimeMs ?? 10_000,
  })

  let url = ""
  const info = (): Record<string, unknown> => ({
    url,
    pathPrefix,
    controlUrl: `${url}/_control`,
    walletPublicKey,
    clock: clock.mode,
    now: clock.now(),
    appIds: state.directory.merchantIds(),
  })

  const server = new SimServer({
    state,
    faults,
    walletKey,
    pathPrefix,
    enforceTimeWindowMs: opts.enforceTimeWindowMs,
    now: clock.now,
    render,
    logger,
    confirm: async (merchant, fields) => {
      const call = await requestSecondConfirmation({ merchant, fields, walletKey, faults, now: clock.now, signal: stopping.signal, logger })
      confirmations.push(call)
      logger.info(`second confirmation ${fields.request_id}: ${call.outcome} (${call.reason})`)
      return call
    },
    control: createControlApi({ token: controlToken, control, info }),
  })

  let port: number
  try {
    port = await server.listen(opts.port ?? 0, host)
  } catch (e) {
    await clock.dispose()
    throw e
  }
  url = `http://${urlHost(host)}:${port}`
  logger.info(`WaaS simulator listening on ${url}${pathPrefix}`)

  let stopped: Promise<void> | undefined
  return {
    url,
    pathPrefix,
    controlUrl: `${url}/_control`,
    controlToken,
    walletPublicKey,
    walletPrivateKey,
    clock: { mode: clock.mode, now: clock.now, advance: clock.advance, runDue: clock.runDue },
    control,
    stop() {
      stopped ??= (async () => {
        stopping.abort()
        await clock.dispose()
        await server.close()
      })()
      return stopped
    },
  }
}
