/**
 * Public types of the WaaS simulator. Other code (the plugin's tests, the demo, store developers) programs
 * against these, so they change only additively.
 */
import type { ConfirmationCall, ConfirmFaults, DeliveryAttempt, EndpointFaultKey, EndpointFaults, NotificationView, NotifyFaults, SimFaults } from "./delivery-types"

export * from "./delivery-types"

export interface SimLogger {
  info(m: string): void
  warn(m: string): void
  error(m: string): void
}

export interface SimulatorMerchant {
  appId: string
  /** the merchant's `rsa_third_pub`: base64 SPKI or PEM */
  merchantPublicKey: string
  /** where deposit/withdrawal notifications go (§3.2) */
  notifyUrl?: string
  /**
   * where the withdrawal second-confirmation request goes (§3.4). When absent, withdrawals are approved without a
   * call (a warning is logged): convenient for tests that do not exercise the confirmation.
   */
  confirmUrl?: string
  /** how long the simulator waits for the confirmation answer (real ms, default 5000) */
  confirmAnswerTimeoutMs?: number
  /**
   * Simulator extension. The uid the merchant pays refunds from. Withdrawals from this uid draw on the merchant's
   * company (collection) account instead of the uid's own balance, which is how a store with auto-collection on
   * funds payouts. Other uids always spend their own normal balance.
   */
  payoutUid?: number
}

export type AddressFamily = "evm" | "btc" | "tron"

export interface SimCoin {
  /** WaaS code used in every call */
  symbol: string
  realSymbol?: string
  name: string
  decimals: number
  /** main-chain coin; equal to `symbol` for a native coin */
  baseSymbol: string
  contractAddress?: string
  /** confirmations before a deposit is final (also reported as a finished withdrawal's confirmations) */
  depositConfirmation: number
  addressFamily: AddressFamily
  /** the `address_regex` published in getCoinList and enforced on withdrawal destinations (110055) */
  addressRegex: string
  /** account-model coins are swept by auto-collection and produce miner-fee records; UTXO coins are not */
  model: "account" | "utxo"
  /** the merchant's withdrawal service fee, in this coin, included in a withdrawal's `amount` */
  withdrawFee: string
  minWithdraw: string
  maxWithdraw: string
  /** chain fee of a withdrawal (`real_fee`), in `baseSymbol` */
  networkFee: string
  /** chain fee of a collection sweep (miner-fee record `fee`), in `baseSymbol`; account model only */
  collectionFee?: string
  /** the coin whose deposit address this coin shares (a token on its main chain) */
  mergeAddressSymbol?: string
  explorer?: string
  icon?: string
}

export type KytMode = "none" | "pending" | "risk" | "breaker"

export interface SimUser {
  uid: number
  appId: string
  email: string
  nickname: string
  inviteCode: string
  createdAt: number
}

export interface SimAddress {
  uid: number
  symbol: string
  address: string
}

export interface SimBalance {
  uid: number
  symbol: string
  normal: string
  lock: string
}

export interface SimCompanyBalance {
  appId: string
  symbol: string
  balance: string
  /** amount reserved by pending payout-uid withdrawals (not part of the wire model) */
  lock: string
}

export interface SimDeposit {
  id: number
  appId: string
  uid: number
  symbol: string
  amount: string
  addressFrom: string
  addressTo: string
  txid: string
  confirmations: number
  requiredConfirmations: number
  status: number
  kyt: KytMode
  /** an internal transfer from another simulated user (no chain transaction) */
  internal: boolean
  /** moved to the company account by auto-collection */
  collected: boolean
  createdAt: number
  updatedAt: number
  /** reconciliation controls: no notification is ever sent for it */
  silent?: boolean
  /** created at a given time (createdAt): its confirmations and its sweep keep that time */
  fixedTime?: boolean
  /** reconciliation controls: left out of the sync lists ("sync") or of every list ("all") */
  hidden?: RecordHiding
}

/** where a dropped record stops being reported */
export type RecordHiding = "sync" | "all"
export type SimRecordKind = "deposit" | "withdrawal" | "miner_fee"
/** the fields a reconciliation control may change on a record after the fact (amounts as decimal strings) */
export interface SimRecordEdit {
  amount?: string
  status?: number
  symbol?: string
  address_to?: string
  txid?: string
  withdraw_fee?: string
  real_fee?: string
  fee?: string
}

export interface SimWithdrawal {
  id: number
  appId: string
  requestId: string
  uid: number
  symbol: string
  amount: string
  withdrawFee: string
  withdrawFeeSymbol: string
  feeSymbol: string
  realFee: string
  addressFrom: string
  addressTo: string
  txid: string
  confirmations: number
  saasStatus: number
  companyStatus: number
  status: number
  /** 1 on-chain, 2 internal transfer (status 0 success / 1 failure) */
  withdrawType: 1 | 2
  /** whose balance paid: the uid's own, or the company account (payout uid) */
  fundedBy: "user" | "company"
  /** recipient uid of an internal transfer */
  toUid?: number
  createdAt: number
  updatedAt: number
  hidden?: RecordHiding
}

export interface SimMinerFee {
  id: number
  appId: string
  uid: number
  depositId: number
  symbol: string
  amount: string
  fee: string
  baseSymbol: string
  contractAddress: string
  txid: string
  txidType: "0" | "1"
  confirmations: number
  status: number
  addressFrom: string
  addressTo: string
  createdAt: number
  updatedAt: number
  hidden?: RecordHiding
}

export interface SimMerchantInfo {
  appId: string
  merchantPublicKey: string
  notifyUrl?: string
  confirmUrl?: string
  confirmAnswerTimeoutMs: number
  payoutUid?: number
}

export interface SimStateSnapshot {
  now: number
  merchants: SimMerchantInfo[]
  users: SimUser[]
  addresses: SimAddress[]
  balances: SimBalance[]
  company: SimCompanyBalance[]
  deposits: SimDeposit[]
  withdrawals: SimWithdrawal[]
  minerFees: SimMinerFee[]
}

/* ------------------------------------------------------------------ control */

export interface ChainDepositInput {
  address: string
  /** required when the address is shared by several coins and the deposit is not the main-chain coin */
  symbol?: string
  amount: string
  txid?: string
  from?: string
  kyt?: KytMode
  /** epoch ms: the WaaS records the deposit at this time (records either side of midnight) */
  createdAt?: number
  /** never notify anyone about it (a deposit lost by every callback) */
  silent?: boolean
  /** record the same txid to the same address again (a duplicate at the WaaS) */
  allowDuplicateTxid?: boolean
}

export interface WithdrawalOutcomeOptions {
  txid?: string
  realFee?: string
}

export interface SimControl {
  /** add a merchant, or replace the settings of an existing app_id */
  addMerchant(m: SimulatorMerchant): SimMerchantInfo
  /** credit a uid's normal balance, or a merchant's company account (appId defaults to the first merchant) */
  fund(target: number | "company", symbol: string, amount: string, appId?: string): SimBalance | SimCompanyBalance
  /** a transaction appears on chain to a simulated deposit address: status 0, 0 confirmations */
  chainDeposit(input: ChainDepositInput): SimDeposit
  /** add `n` (default 1) confirmations; at the coin's deposit_confirmation it goes final (or into KYT 4/5/6) */
  confirmDeposit(id: number, n?: number): SimDeposit
  releaseKyt(id: number, result: "pass" | "fail"): SimDeposit
  failDeposit(id: number): SimDeposit
  /** a credited deposit (status 1) reported failed after all (status 2): its amount leaves the balance, notified */
  reverseDeposit(id: number): SimDeposit
  /** a deposit that reaches its final status (1) at once and is never notified: only sync and list show it */
  quietDeposit(input: ChainDepositInput): SimDeposit
  /** change a record's fields after the fact, silently (no notification; updated_at moves unless its time is fixed) */
  editRecord(kind: SimRecordKind, id: number, set: SimRecordEdit): SimDeposit | SimWithdrawal | SimMinerFee
  /** leave a record out of the sync lists ("sync", default) or of every list ("all": the WaaS no longer reports it) */
  dropRecord(kind: SimRecordKind, id: number, scope?: RecordHiding): SimDeposit | SimWithdrawal | SimMinerFee
  /** a number is a WaaS id; a string is a request_id (or, when no request_id matches and it is all digits, an id) */
  setWithdrawalOutcome(ref: number | string, status: number, opts?: WithdrawalOutcomeOptions): SimWithdrawal
  advanceClock(ms: number): Promise<{ now: number }>
  /** simulator time, epoch ms */
  now(): number
  /** merge: each given fault replaces the current one of that name; `null` clears it */
  setFaults(f: SimFaultsPatch): SimFaults
  clearFaults(): SimFaults
  getFaults(): SimFaults
  /** release notifications held by the reorder fault (default: the fault's mode); resolves with how many were sent */
  flushNotifications(order?: "reverse" | "shuffle" | "fifo"): Promise<number>
  getState(): SimStateSnapshot
  deliveries(): DeliveryAttempt[]
  notifications(): NotificationView[]
  confirmations(): ConfirmationCall[]
  /** send a notification again now, outside the schedule; an acknowledgement cancels its pending retries */
  redeliver(notificationId: string): Promise<DeliveryAttempt>
}

type Nullable<T> = { [K in keyof T]?: T[K] | null }
export interface SimFaultsPatch {
  notify?: Nullable<NotifyFaults> | null
  confirm?: Nullable<ConfirmFaults> | null
  endpoints?: Partial<Record<EndpointFaultKey, Nullable<EndpointFaults> | null>> | null
}

/* ------------------------------------------------------------------ simulator */

export interface SimClock {
  readonly mode: "real" | "manual"
  /** simulator time, epoch ms */
  now(): number
  /** move time forward, firing every timer due on the way in time order and awaiting what they start */
  advance(ms: number): Promise<void>
  /** fire every timer already due */
  runDue(): Promise<void>
}

export interface SimulatorOptions {
  /** 0 = random free port (default) */
  port?: number
  /** default 127.0.0.1 */
  host?: string
  /** default "/api/v2" */
  pathPrefix?: string
  /** b64 PKCS#8; generated at start if absent */
  walletPrivateKey?: string
  merchants?: SimulatorMerchant[]
  /** generated if absent */
  controlToken?: string
  coins?: SimCoin[]
  /** users per merchant, default 50000 */
  userCap?: number
  /** default "real"; "manual" = time moves only by advance() */
  clock?: "real" | "manual"
  /** real clock only: simulator ms per wall ms (60 makes the 2-minute retry take 2 s) */
  timeScale?: number
  /** simulator time at start, epoch ms (default: now) */
  startTime?: number
  /** deposits gain a confirmation every `blockTimeMs` simulator ms until final (default false) */
  autoConfirmDeposits?: boolean
  /** default 10000 */
  blockTimeMs?: number
  /** sweep credited deposits to the company account, with miner-fee records for account-model coins (default true) */
  autoCollect?: boolean
  /** also notify non-final statuses (default false: only final ones, §3.2) */
  notifyNonFinal?: boolean
  /** delays before each notification send, simulator ms (default 1 s, 2 min, 8 min, 32 min, 128 min) */
  notifyScheduleMs?: number[]
  /** real ms the simulator waits for a merchant to answer a notification (default 10000) */
  notifyTimeoutMs?: number
  /** reject requests whose `time` is further than this from the simulator clock (off by default, §1.6) */
  enforceTimeWindowMs?: number
  /** zone of the `YYYY-MM-DD HH:mm:ss` strings in callbacks, default 480 (UTC+8) */
  utcOffsetMinutes?: number
  /** render amounts in responses and callbacks with exactly this many fraction digits (real deposits show 16) */
  amountScale?: number
  logger?: SimLogger
}

export interface WaasSimulator {
  /** "http://127.0.0.1:PORT": the WaaS host for the client, which appends pathPrefix */
  url: string
  pathPrefix: string
  /** url + "/_control" */
  controlUrl: string
  controlToken: string
  /** b64 SPKI: what a store configures as the WaaS public key (rsa_wallet_pub) */
  walletPublicKey: string
  walletPrivateKey: string
  clock: SimClock
  control: SimControl
  /** closes the server, cancels timers and outgoing calls, leaves nothing running */
  stop(): Promise<void>
}
