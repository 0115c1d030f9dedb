import type { MedusaContainer } from "@medusajs/framework/types"
import { z } from "@medusajs/framework/zod"
import { randomBytes } from "node:crypto"
import { WAAS_MODULE } from "../../src/modules/waas"
import type WaasModuleService from "../../src/modules/waas/service"
import { adminLogin, createAdminUser, inboxSettled, PublicPayment, rows, SimulatedPayer, type Sql, waitFor } from "./deposits"
import { adminClient, type AdminCall } from "./reconciliation"
import { TREASURY_FUNDS, useRefundWaas, withdrawInboxSettled } from "./refunds"
import { seedStore, WAAS_PROVIDER_ID, type SeededStore } from "./seed-store"
import { completeCart, prepareCart, startCryptoPaymentSession, Storefront } from "./storefront"

/**
 * The store and WaaS of the reconciliation specs: the refund specs' WaaS (a treasury paying refunds through the
 * company account), the business day in Asia/Shanghai (a zone other than UTC, ChainUp's probable own), two
 * admins (a refund needs a second one to approve it), and checkouts paid through the simulator. The simulator
 * lives for the file and the database is restored before each test, so each test starts every cursor (the
 * pollers' and the mirror's) at the simulator's newest record.
 */
export const ZONE = "Asia/Shanghai"
/** how long after a day ends (in ZONE) its reconciliation becomes due, in these stores */
export const SETTLE_DELAY_MINUTES = 30
export const SYMBOL = "USDTERC20"
export const SHOPPER = "0x52908400098527886E0F7030069857D2E4169EE7"
const REQUESTER = { email: "clerk@example.com", password: randomBytes(12).toString("base64url") }
const APPROVER = { email: "treasurer@example.com", password: randomBytes(12).toString("base64url") }

export function useReconciliationWaas() {
  const waasSide = useRefundWaas({ usdtPool: 30 })
  beforeAll(() => {
    const options = JSON.parse(process.env.WAAS_PLUGIN_OPTIONS!)
    process.env.WAAS_PLUGIN_OPTIONS = JSON.stringify({
      ...options,
      reconciliation: { timeZone: ZONE, settleDelayMinutes: SETTLE_DELAY_MINUTES },
      withdrawals: { ...options.withdrawals, pollIntervalSeconds: 86_400 },
    })
  })
  return waasSide
}

export interface StoreContext {
  api: { defaults: { baseURL?: string } }
  getContainer: () => MedusaContainer
  dbConnection: unknown
}

export function reconciliationStore(ctx: StoreContext, w: ReturnType<typeof useReconciliationWaas>) {
  let seeded: SeededStore
  let requester: Record<string, string>
  let approver: Record<string, string>
  const db = (): Sql => ctx.dbConnection as Sql
  const container = (): MedusaContainer => ctx.getContainer()
  const waas = (): WaasModuleService => container().resolve<WaasModuleService>(WAAS_MODULE)
  const baseUrl = (): string => String(ctx.api.defaults.baseURL)
  const payer = () => new SimulatedPayer(w.sim())
  const admin: AdminCall = adminClient(baseUrl, () => approver)
  const asRequester: AdminCall = adminClient(baseUrl, () => requester)

  beforeAll(async () => {
    seeded = await seedStore(container())
    await waas().refillPool()
    await waas().depositPoll().markRun()
    await waas().withdrawals().poll.markRun()
    await createAdminUser(container(), REQUESTER.email, REQUESTER.password)
    await createAdminUser(container(), APPROVER.email, APPROVER.password)
    w.sim().control.addMerchant({
      appId: w.merchant.appId,
      merchantPublicKey: w.merchantKeys.publicKey,
      notifyUrl: `${baseUrl()}/hooks/waas/notify`,
      confirmUrl: `${baseUrl()}/hooks/waas/withdraw-confirm`,
      payoutUid: w.treasuryUid(),
    })
    w.sim().control.fund("company", SYMBOL, TREASURY_FUNDS, w.merchant.appId)
  })

  beforeEach(async () => {
    w.sim().control.clearFaults()
    const state = w.sim().control.getState()
    const newest = (ids: number[]) => String(Math.max(0, ...ids))
    const cursors = {
      deposits: newest(state.deposits.map((d) => d.id)),
      withdrawals: newest(state.withdrawals.map((x) => x.id)),
      "mirror:deposits": newest(state.deposits.map((d) => d.id)),
      "mirror:withdrawals": newest(state.withdrawals.map((x) => x.id)),
      "mirror:miner_fees": newest(state.minerFees.map((f) => f.id)),
    }
    await waas().depositPoll().cursor()
    await waas().withdrawals().poll.cursor()
    for (const [name, max] of Object.entries(cursors)) {
      await db().raw(
        `INSERT INTO waas_sync_cursor (id, name, max_id, created_at, updated_at) VALUES (?, ?, ?, now(), now())
         ON CONFLICT (name) WHERE deleted_at IS NULL DO UPDATE SET max_id = EXCLUDED.max_id`,
        [`wcur_test_${name.replace(/\W/g, "_")}`, name, max],
      )
    }
    requester ??= await adminLogin(baseUrl(), REQUESTER.email, REQUESTER.password)
    approver ??= await adminLogin(baseUrl(), APPROVER.email, APPROVER.password)
  })

  afterEach(async () => {
    w.sim().control.clearFaults()
    await w.sim().control.flushNotifications("fifo")
    for (const n of w.sim().control.notifications()) {
      if (!n.acknowledged && !n.givenUp) await w.sim().control.redeliver(n.id)
    }
    await inboxSettled(db())
    await withdrawInboxSettled(db())
  })

  /** a checkout placed and not paid yet: its order, session and deposit address */
  async function placeOrder() {
    const store = new Storefront({ baseUrl: baseUrl(), publishableKey: seeded.publishableKey })
    const { cart, paymentCollection } = await prepareCart(store, { regionId: seeded.regionId, variantId: seeded.variantId })
    const started = await startCryptoPaymentSession(store, paymentCollection.id, SYMBOL)
    const session = started.data.payment_collection.payment_sessions?.find((s) => s.provider_id === WAAS_PROVIDER_ID)
    if (!session) throw new Error("no WaaS payment session")
    const completed = await completeCart(store, cart.id)
    const view = await store.get(`/store/waas/payments/${session.id}`, z.object({ payment: PublicPayment }))
    return { orderId: completed.data.order.id, sessionId: session.id, payment: view.data.payment, total: String(cart.total) }
  }

  const captured = (sessionId: string) =>
    waitFor(`payment session ${sessionId} captured`, async () => {
      const p = await waas().retrievePaymentBySession(sessionId)
      return p && p.medusa_captured_at ? p : null
    })

  /** a checkout paid in full (the callback credits it), captured in Medusa; returns the WaaS deposit id too */
  async function paidOrder() {
    const order = await placeOrder()
    const depositId = payer().send(order.payment.address, order.payment.amount_due)
    const payment = await captured(order.sessionId)
    await inboxSettled(db())
    return { ...order, depositId, cryptoPayment: payment }
  }

  /** a refund of `fiat` USD requested, approved by the other admin, paid by the WaaS and recorded in Medusa */
  async function refunded(orderId: string, fiat: string, realFee = "0.0012") {
    const r = await asRequester("POST", "/admin/waas/withdrawals", { source: "payment", reason: "returned", destination: { address: SHOPPER }, order_id: orderId, fiat_amount: fiat })
    if (r.status !== 201) throw new Error(`refund request: ${r.status} ${r.text}`)
    const id = (r.body as { withdrawal: { id: string; request_id: string } }).withdrawal
    const a = await admin("POST", `/admin/waas/withdrawals/${id.id}/approve`, {})
    if (a.status !== 200) throw new Error(`approval: ${a.status} ${a.text}`)
    w.sim().control.setWithdrawalOutcome(id.request_id, 5, { realFee })
    await waitFor(`withdrawal ${id.id} recorded in Medusa`, async () => {
      const [row] = await rows<{ status: string; medusa_refunded_at: Date | null }>(db(), `SELECT status, medusa_refunded_at FROM waas_withdrawal WHERE id = ?`, [id.id])
      return row?.status === "completed" && row.medusa_refunded_at ? row : null
    })
    await withdrawInboxSettled(db())
    const sim = w.sim().control.getState().withdrawals.find((x) => x.requestId === id.request_id)!
    return { withdrawalId: id.id, requestId: id.request_id, waasId: String(sim.id) }
  }

  /** a pool address no payment has held (a deposit to it is an orphan once the ledger has it) */
  async function freeAddress(): Promise<string> {
    const [row] = await rows<{ address: string }>(db(), `SELECT address FROM waas_pool_address WHERE symbol = ? AND status = 'available' ORDER BY id LIMIT 1`, [SYMBOL])
    return row.address
  }

  /** what the ledger holds, for before/after comparisons (a rerun changes nothing in it) */
  async function ledger() {
    return rows(db(), `SELECT d.waas_deposit_id, d.status, d.amount, (SELECT count(*) FROM waas_deposit_credit c WHERE c.waas_deposit_id = d.waas_deposit_id) AS credits,
                              p.status AS payment_status, p.amount_received, p.medusa_captured_at
                         FROM waas_deposit d LEFT JOIN waas_crypto_payment p ON p.id = d.crypto_payment_id ORDER BY d.waas_deposit_id`)
  }

  return { db, container, waas, admin, asRequester, payer, placeOrder, paidOrder, captured, refunded, freeAddress, ledger }
}
