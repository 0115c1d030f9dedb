import { randomBytes } from "node:crypto"
import { loadPublicKey, WaasCode } from "../src/protocol"
import type { AddressAllocator } from "./addresses"
import type { CoinBook } from "./coins"
import { SimControlError, SimWaasError } from "./errors"
import type { SimAddress, SimCoin, SimMerchantInfo, SimulatorMerchant, SimUser } from "./types"

/** Who exists: merchants, their users, and the deposit and hot-wallet addresses handed out. */
const FIRST_UID = 10001

export class Directory {
  private readonly merchants = new Map<string, SimMerchantInfo>()
  private readonly users = new Map<number, SimUser>()
  private readonly emailIndex = new Map<string, number>()
  private readonly userCount = new Map<string, number>()
  private nextUid = FIRST_UID
  /** `${uid}|${ownerSymbol}` → address; tokens use their main coin's entry */
  private readonly addressByKey = new Map<string, string>()
  private readonly owners = new Map<string, { uid: number; ownerSymbol: string }>()
  /** (uid, symbol) pairs handed out through getDepositAddress, in order, for getState() */
  private readonly issued = new Map<string, SimAddress>()
  private readonly hotWallets = new Map<string, string>()

  constructor(
    private readonly o: { coins: CoinBook; allocator: AddressAllocator; now: () => number; userCap: number }
  ) {}

  /* ---------------------------------------------------------------- merchants */

  addMerchant(m: SimulatorMerchant): SimMerchantInfo {
    if (!m.appId || m.appId.length > 128) throw new SimControlError(400, "appId must be 1-128 characters")
    try {
      loadPublicKey(m.merchantPublicKey)
    } catch (e) {
      throw new SimControlError(400, `merchantPublicKey: ${e instanceof Error ? e.message : String(e)}`)
    }
    const info: SimMerchantInfo = {
      appId: m.appId,
      merchantPublicKey: m.merchantPublicKey,
      notifyUrl: m.notifyUrl,
      confirmUrl: m.confirmUrl,
      confirmAnswerTimeoutMs: m.confirmAnswerTimeoutMs ?? 5000,
      payoutUid: m.payoutUid,
    }
    this.merchants.set(m.appId, info)
    return { ...info }
  }

  merchant(appId: string): SimMerchantInfo | undefined {
    return this.merchants.get(appId)
  }

  allMerchants(): SimMerchantInfo[] {
    return [...this.merchants.values()].map((m) => ({ ...m }))
  }

  merchantIds(): string[] {
    return [...this.merchants.keys()]
  }

  firstMerchant(): SimMerchantInfo | undefined {
    return this.merchants.values().next().value
  }

  /* ---------------------------------------------------------------- users */

  /**
   * Emails are unique per merchant, compared case-insensitively. A duplicate answers 110101 "registration failed":
   * the real behaviour is undocumented (§2.1) and clients recover the uid through user/info.
   */
  registerEmail(appId: string, email: string): SimUser {
    const key = `${appId}\n${email.toLowerCase()}`
    if (this.emailIndex.has(key)) throw new SimWaasError(WaasCode.REGISTRATION_FAILED, "email already registered")
    const count = this.userCount.get(appId) ?? 0
    if (count >= this.o.userCap) {
      throw new SimWaasError(WaasCode.REGISTRATION_FAILED, `user limit of ${this.o.userCap} reached`)
    }
    const user: SimUser = {
      uid: this.nextUid++,
      appId,
      email,
      nickname: "",
      inviteCode: randomBytes(4).toString("hex").slice(0, 6).toUpperCase(),
      createdAt: this.o.now(),
    }
    this.users.set(user.uid, user)
    this.emailIndex.set(key, user.uid)
    this.userCount.set(appId, count + 1)
    return { ...user }
  }

  userByEmail(appId: string, email: string): SimUser {
    const uid = this.emailIndex.get(`${appId}\n${email.toLowerCase()}`)
    if (uid === undefined) throw new SimWaasError(WaasCode.USER_NOT_FOUND)
    return { ...(this.users.get(uid) as SimUser) }
  }

  /** a merchant sees only its own users: another merchant's uid is "user does not exist" */
  user(appId: string, uid: number): SimUser {
    const u = this.users.get(uid)
    if (!u || u.appId !== appId) throw new SimWaasError(WaasCode.USER_NOT_FOUND, `uid ${uid}`)
    return u
  }

  /** any merchant's user, for the control API */
  anyUser(uid: number): SimUser | undefined {
    return this.users.get(uid)
  }

  userEmail(uid: number): string {
    return this.users.get(uid)?.email ?? ""
  }

  allUsers(): SimUser[] {
    return [...this.users.values()].map((u) => ({ ...u }))
  }

  /* ---------------------------------------------------------------- addresses */

  depositAddress(appId: string, uid: number, symbol: string): SimAddress {
    this.user(appId, uid)
    const coin = this.o.coins.get(symbol)
    const ownerSymbol = this.o.coins.addressOwnerSymbol(coin)
    const key = `${uid}|${ownerSymbol}`
    let address = this.addressByKey.get(key)
    if (!address) {
      const owner = this.o.coins.get(ownerSymbol)
      address = this.o.allocator.allocate(owner.addressFamily, `user:${uid}:${ownerSymbol}`)
      this.addressByKey.set(key, address)
      this.owners.set(address, { uid, ownerSymbol })
    }
    const issuedKey = `${uid}|${coin.symbol}`
    if (!this.issued.has(issuedKey)) this.issued.set(issuedKey, { uid, symbol: coin.symbol, address })
    return { uid, symbol: coin.symbol, address }
  }

  /** the address already assigned to uid+coin, or "" (balance queries do not allocate) */
  existingAddress(uid: number, coin: SimCoin): string {
    return this.addressByKey.get(`${uid}|${this.o.coins.addressOwnerSymbol(coin)}`) ?? ""
  }

  /** which user a simulated deposit address belongs to, and for which main coin */
  addressOwner(address: string): { uid: number; ownerSymbol: string } | undefined {
    return this.owners.get(address)
  }

  issuedAddresses(): SimAddress[] {
    return [...this.issued.values()].map((a) => ({ ...a }))
  }

  /** the merchant's collection / payout address on a coin's chain (sweep destination, withdrawal source) */
  hotWallet(appId: string, coin: SimCoin): string {
    const key = `${appId}|${this.o.coins.addressOwnerSymbol(coin)}`
    let a = this.hotWallets.get(key)
    if (!a) {
      a = this.o.allocator.external(coin.addressFamily, `hot:${key}`)
      this.hotWallets.set(key, a)
    }
    return a
  }
}
