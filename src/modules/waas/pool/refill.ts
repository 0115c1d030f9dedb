import type { Logger } from "@medusajs/framework/types"
import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { CoinConfig } from "../options"
import { countAccounts, listUnfinishedAccounts } from "./account-sql"
import { countAvailable } from "./pool-sql"
import { AccountProvisioner, UserCapReachedError } from "./provisioner"

export interface CoinRefillReport {
  symbol: string
  /** available addresses when the run started */
  before: number
  /** new WaaS users registered by this run */
  registered: number
  /** accounts left unfinished by an earlier run or crash, completed by this one */
  recovered: number
  /** addresses that became available in this run (registered + recovered that got their address) */
  added: number
  /** available addresses when the run ended */
  after: number
  errors: string[]
}

export type RefillReport =
  | { skipped?: undefined; users: { count: number; cap: number }; coins: CoinRefillReport[] }
  /** the run did nothing: another refill held the lock (with the user count), or shutdown had begun */
  | { skipped: string; users?: { count: number; cap: number }; coins: [] }

/** fraction of the user cap at which the refill starts warning */
export const USER_CAP_WARNING_RATIO = 0.9

/**
 * Brings each coin up to its low watermark: first it completes accounts an earlier run left unfinished,
 * then it registers at most poolBatchSize new users per coin (a bound on one run's WaaS traffic; the job
 * runs every few minutes). A coin stops at its first WaaS error and the run moves on to the next coin.
 * Once `signal` aborts (shutdown) no further registration or coin is started.
 */
export async function refillCoins(args: {
  db: Knex
  coins: CoinConfig[]
  provisioner: AccountProvisioner
  userCap: number
  logger: Logger
  signal?: AbortSignal
}): Promise<RefillReport & { skipped?: undefined }> {
  const { db, provisioner, userCap, logger, signal } = args
  const reports: CoinRefillReport[] = []
  let warnedAboutCap = false

  for (const coin of args.coins) {
    if (signal?.aborted) break
    const report: CoinRefillReport = {
      symbol: coin.symbol,
      before: await countAvailable(db, coin.symbol),
      registered: 0,
      recovered: 0,
      added: 0,
      after: 0,
      errors: [],
    }
    reports.push(report)

    let failed = false
    for (const account of await listUnfinishedAccounts(db, coin.symbol)) {
      if (signal?.aborted) break
      try {
        await provisioner.complete(account)
        report.recovered++
        report.added++
      } catch (e) {
        report.errors.push(`completing account ${account.id}: ${message(e)}`)
        failed = true
        break
      }
    }

    let available = await countAvailable(db, coin.symbol)
    const wanted = failed ? 0 : Math.min(coin.poolBatchSize, Math.max(0, coin.poolLowWatermark - available))
    for (let i = 0; i < wanted && !signal?.aborted; i++) {
      const users = await countAccounts(db)
      if (!warnedAboutCap && users >= Math.ceil(userCap * USER_CAP_WARNING_RATIO)) {
        warnedAboutCap = true
        logger.warn(
          `medusa-plugin-waas: ${users} of the WaaS user cap of ${userCap} are used (≥ ${USER_CAP_WARNING_RATIO * 100} %); ` +
            `ask ChainUp to raise the cap before the address pool stops growing`,
        )
      }
      try {
        await provisioner.provisionNew(coin.symbol)
        report.registered++
        report.added++
      } catch (e) {
        if (e instanceof UserCapReachedError) logger.warn(`medusa-plugin-waas: ${e.message}; the ${coin.symbol} pool is not refilled`)
        report.errors.push(message(e))
        break
      }
    }

    available = await countAvailable(db, coin.symbol)
    report.after = available
    if (report.errors.length > 0) {
      logger.warn(`medusa-plugin-waas: refilling the ${coin.symbol} pool stopped: ${report.errors[0]}`)
    }
  }

  return { users: { count: await countAccounts(db), cap: userCap }, coins: reports }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
