import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import type { Knex, SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import { WAAS_MODULE } from ".."
import { DEPOSIT_DETECTED_MESSAGE, lockCart } from "../checkout/cart-address"
import type WaasModuleService from "../service"
import type { CryptoPaymentDTO, PaymentForSessionInput } from "../types"
import { depositRecord } from "./support/deposit-record"
import { testOptions } from "./support/fixtures"
import { recordingLogger } from "./support/logger"
import { seedPool } from "./support/seed"

jest.setTimeout(60_000)

const log = recordingLogger()

/**
 * One address per cart: a payment session re-created for the same payment collection (Medusa deletes the
 * old session in parallel with creating the new one) takes over the cart's address while its quote can be
 * renewed, instead of taking a fresh address each time. The WaaS is unreachable here: nothing is fetched.
 */
moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions() as unknown as Record<string, unknown>,
  testSuite: ({ service, MikroOrmWrapper }) => {
    const knex = () => (MikroOrmWrapper.forkManager() as SqlEntityManager).getKnex()
    const session = (session_id: string, payment_collection_id: string, extra: Partial<PaymentForSessionInput> = {}) =>
      service.createPaymentForSession({ session_id, payment_collection_id, amount: 10, currency_code: "usd", ...extra })
    const available = async (symbol = "USDTERC20") => (await service.listPoolAddresses({ symbol, status: "available" })).length
    const poolRow = async (id: string) => (await service.listPoolAddresses({ id }))[0]
    const statusOf = async (session_id: string) => (await service.retrievePaymentBySession(session_id))?.status
    const waitForLockWaiter = async () => {
      for (let i = 0; i < 200; i++) {
        // this spec's database only: the module tier runs two spec files at a time on one Postgres
        const waiting = await knex().raw(
          `SELECT count(*)::int AS n FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        )
        if (waiting.rows[0].n > 0) return
        await new Promise((r) => setTimeout(r, 25))
      }
      throw new Error("no statement waited for the cart's advisory lock")
    }

    it("a session re-created for the same cart takes the cart's address over; the old payment is canceled", async () => {
      await seedPool(service, "USDTERC20", 3)
      const first = await session("payses_a1", "paycol_a")
      const second = await session("payses_a2", "paycol_a", { amount: 12 })

      expect(second.id).not.toBe(first.id)
      expect(second).toMatchObject({ address: first.address, pool_address_id: first.pool_address_id, amount_due: "12", status: "awaiting_payment" })
      expect(await statusOf("payses_a1")).toBe("canceled")
      expect(await poolRow(first.pool_address_id)).toMatchObject({ status: "assigned", crypto_payment_id: second.id })
      expect(await available()).toBe(2)

      // Medusa's deletion of the old session, arriving after the new one: nothing moves
      await service.releasePaymentForSession("payses_a1")
      expect(await poolRow(first.pool_address_id)).toMatchObject({ status: "assigned", crypto_payment_id: second.id })
      // another cart gets another address
      const other = await session("payses_b1", "paycol_b")
      expect(other.address).not.toBe(first.address)
    })

    it("when the old session was deleted first, the new one takes the cooling address back", async () => {
      await seedPool(service, "USDTERC20", 2)
      const first = await session("payses_c1", "paycol_c")
      await service.releasePaymentForSession("payses_c1")
      expect(await poolRow(first.pool_address_id)).toMatchObject({ status: "cooling", crypto_payment_id: first.id })

      const second = await session("payses_c2", "paycol_c")
      expect(second.address).toBe(first.address)
      expect(await poolRow(first.pool_address_id)).toMatchObject({ status: "assigned", crypto_payment_id: second.id, cooling_until: null })
      expect(await available()).toBe(1)
      // the cart's last payment lets go of it like any other: out of the pool until ITS window closes
      await service.releasePaymentForSession("payses_c2")
      const cooling = await poolRow(first.pool_address_id)
      expect(cooling).toMatchObject({ status: "cooling", crypto_payment_id: second.id })
      expect(new Date(cooling.cooling_until!).getTime()).toBe(new Date(second.monitor_until).getTime())
    })

    it("an expired quote still inside its monitoring window: the same address with a fresh quote", async () => {
      await seedPool(service, "USDTERC20", 2)
      const first = await session("payses_e1", "paycol_e")
      await service.expireStalePayments(new Date(first.expires_at))
      expect(await statusOf("payses_e1")).toBe("expired")

      const second = await session("payses_e2", "paycol_e")
      expect(second).toMatchObject({ address: first.address, status: "awaiting_payment" })
      expect(new Date(second.expires_at).getTime()).toBeGreaterThanOrEqual(new Date(first.expires_at).getTime())
      expect(await statusOf("payses_e1")).toBe("canceled")
    })

    it("after the monitoring window the cart gets a fresh address: the old one is in quarantine", async () => {
      await seedPool(service, "USDTERC20", 2)
      const first = await session("payses_w1", "paycol_w")
      const past = new Date(Date.now() - 1000)
      await knex().raw(`UPDATE waas_crypto_payment SET expires_at = ?, monitor_until = ? WHERE id = ?`, [past, past, first.id])
      await service.expireStalePayments(new Date())
      await service.releaseCooledAddresses(new Date())
      expect(await poolRow(first.pool_address_id)).toMatchObject({ status: "cooling" })

      const second = await session("payses_w2", "paycol_w")
      expect(second.address).not.toBe(first.address)
      expect(await poolRow(first.pool_address_id)).toMatchObject({ status: "cooling", crypto_payment_id: first.id })
    })

    it("a deposit seen for the cart refuses a new session and changes nothing", async () => {
      await seedPool(service, "USDTERC20", 2)
      const first = await session("payses_d1", "paycol_d")
      await service.applyDeposit(depositRecord(first, { amount: "4", status: 0, confirmations: 2 }), "poll")
      expect((await service.retrievePaymentBySession("payses_d1"))?.amount_pending).toBe("4")

      await expect(session("payses_d2", "paycol_d")).rejects.toThrow(
        DEPOSIT_DETECTED_MESSAGE,
      )
      await expect(session("payses_d2", "paycol_d")).rejects.toMatchObject({ type: "not_allowed" })
      expect(await service.retrievePaymentBySession("payses_d2")).toBeNull()
      expect(await statusOf("payses_d1")).toBe("awaiting_payment")
      expect(await poolRow(first.pool_address_id)).toMatchObject({ status: "assigned", crypto_payment_id: first.id })
      expect(await available()).toBe(1)
    })

    it("a coin change gets that coin's address; changing back takes the first coin's address again", async () => {
      await seedPool(service, "USDTERC20", 2)
      const btc = await seedPool(service, "BTC", 2)
      const usdt = await session("payses_k1", "paycol_k")
      const inBtc = await session("payses_k2", "paycol_k", { symbol: "BTC" })
      expect(btc).toContain(inBtc.address)
      // Medusa deletes the first session meanwhile
      await service.releasePaymentForSession("payses_k1")
      const back = await session("payses_k3", "paycol_k", { symbol: "USDTERC20" })
      expect(back.address).toBe(usdt.address)
      expect(await available("USDTERC20")).toBe(1)
    })

    it("ten concurrent sessions for one cart end with one address, held by the one payment still live", async () => {
      await seedPool(service, "USDTERC20", 12)
      const payments = await Promise.all(Array.from({ length: 10 }, (_, i) => session(`payses_r${i}`, "paycol_r")))
      expect(new Set(payments.map((p) => p.address)).size).toBe(1)
      const rows = await service.listCryptoPayments({}, { take: 50 })
      const live = rows.filter((p) => p.status !== "canceled")
      expect(live).toHaveLength(1)
      const assigned = await service.listPoolAddresses({ status: "assigned" })
      expect(assigned.map((a) => a.crypto_payment_id)).toEqual([live[0].id])
      expect(await available()).toBe(11)
    })

    it("a cart's first session that waited for the cart's lock while another first session committed takes that one's address over", async () => {
      await seedPool(service, "USDTERC20", 3)
      const em = MikroOrmWrapper.forkManager() as SqlEntityManager
      let late: Promise<CryptoPaymentDTO> | undefined
      const first = await em.transactional(async (tem) => {
        await lockCart(tem.getTransactionContext() as Knex.Transaction, "paycol_race")
        // the late session's one statement starts (its snapshot is taken) and waits for the cart's lock inside it
        late = session("payses_race2", "paycol_race")
        await waitForLockWaiter()
        // meanwhile the cart's first payment is inserted and committed, invisible to that snapshot
        return service.createPaymentForSession(
          { session_id: "payses_race1", payment_collection_id: "paycol_race", amount: 10, currency_code: "usd" },
          { transactionManager: tem },
        )
      })
      // the late one's insert meets the unique cart_first index; it takes the first one's address over instead
      const second = await late!
      expect(first.cart_first).toBe(true)
      expect(second).toMatchObject({ address: first.address, pool_address_id: first.pool_address_id, cart_first: false, status: "awaiting_payment" })
      expect(await service.retrievePaymentBySession("payses_race1")).toMatchObject({ status: "canceled", address_handed_over_to: second.id })
      // the address its failed statement had picked went back with it
      expect((await service.listPoolAddresses({ status: "assigned" })).map((a) => a.crypto_payment_id)).toEqual([second.id])
      expect(await available()).toBe(2)
    })

    it("a transfer made before the session was re-created is credited to the cart's live payment", async () => {
      await seedPool(service, "USDTERC20", 2)
      const first = await session("payses_t1", "paycol_t")
      // the shopper pays the address it was shown; the WaaS dates the transfer now
      const transfer = depositRecord(first, { amount: first.amount_due })
      const second = await session("payses_t2", "paycol_t")
      expect(second.address).toBe(first.address)

      const applied = await service.applyDeposit(transfer, "callback")
      expect(applied).toMatchObject({ after: "credited", payment: { id: second.id, after: "paid" } })
      expect(await statusOf("payses_t2")).toBe("paid")
      expect(await statusOf("payses_t1")).toBe("canceled")
    })
  },
})
