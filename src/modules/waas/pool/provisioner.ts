import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { registerOrRecover, WaasClient } from "../../../client"
import type { Clock } from "../clock"
import type { WaasOptions } from "../options"
import {
  AccountRow,
  AddressReservation,
  countAccounts,
  insertPendingAccount,
  markAccountRegistered,
  recordAccountAttempt,
  storeAccountAddress,
} from "./account-sql"
import { syntheticEmail } from "./synthetic-email"

export interface ProvisionerDeps {
  db: Knex
  client: () => WaasClient
  now: Clock
  emailDomain: string
  userCap: number
}

export interface ProvisionedAddress {
  addressId: string
  /** the uid came from user/info: an earlier attempt had registered it */
  recovered: boolean
}

export class UserCapReachedError extends Error {
  constructor(readonly count: number, readonly cap: number) {
    super(`the WaaS user cap is reached (${count} of ${cap} users registered); ask ChainUp to raise it and set the userCap option`)
    this.name = "UserCapReachedError"
  }
}

/**
 * Turns WaaS users into pool addresses, one account per address, in crash-safe steps:
 *   1. row `pending_registration` with a fresh synthetic email (before any WaaS call),
 *   2. registerEmail, or user/info by that email when registering failed (it may have gone through),
 *      then `registered` with the uid,
 *   3. getDepositAddress, then the pool row and `provisioned` in one transaction.
 * A failure at any step leaves a row that `complete` picks up again; nothing is registered twice.
 */
export class AccountProvisioner {
  constructor(private readonly deps: ProvisionerDeps) {}

  /**
   * Registers a new WaaS user for `symbol` and stores its address as available: for anyone (the refill),
   * or reserved for the checkout that fetched it live (`reservation`).
   */
  async provisionNew(symbol: string, reservation?: AddressReservation): Promise<ProvisionedAddress> {
    const count = await countAccounts(this.deps.db)
    if (count >= this.deps.userCap) throw new UserCapReachedError(count, this.deps.userCap)
    const now = this.deps.now()
    const account = await insertPendingAccount(this.deps.db, {
      email: syntheticEmail(symbol, this.deps.emailDomain, now),
      symbol,
      now,
    })
    const result = await this.complete(account, reservation)
    // a fresh row can only be "recovered" when registerEmail failed but the user exists: count it as new
    return { addressId: result.addressId, recovered: false }
  }

  /** Finishes an account from whatever step it stopped at. */
  async complete(account: AccountRow, reservation?: AddressReservation): Promise<ProvisionedAddress> {
    const { db, now } = this.deps
    try {
      let uid = account.uid
      let recovered = false
      if (account.status === "pending_registration" || uid === null) {
        const user = await registerOrRecover(this.deps.client(), account.email)
        uid = String(user.uid)
        recovered = user.recovered
        await markAccountRegistered(db, { id: account.id, uid, now: now() })
      }
      const deposit = await this.deps.client().getDepositAddress(Number(uid), account.symbol)
      const addressId = await storeAccountAddress(db, {
        account,
        uid,
        address: deposit.address,
        // memo coins are not offered (protocol §2.5: the WaaS documents no memo field yet)
        memo: null,
        now: now(),
        reservation,
      })
      await recordAccountAttempt(db, { id: account.id, error: null, now: now() })
      return { addressId, recovered }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      await recordAccountAttempt(db, { id: account.id, error: message, now: now() }).catch(() => undefined)
      throw e
    }
  }
}

/** The provisioner the module's options call for, writing through `db`. */
export function provisionerFor(deps: { options: WaasOptions; client: () => WaasClient; now: Clock }, db: Knex): AccountProvisioner {
  return new AccountProvisioner({
    db,
    client: deps.client,
    now: deps.now,
    emailDomain: deps.options.syntheticEmailDomain,
    userCap: deps.options.userCap,
  })
}
