import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { asValue } from "awilix"
import { createMedusaContainer } from "@medusajs/framework/utils"
import expireStalePaymentsJob, { config as expireConfig } from "../../../jobs/expire-stale-payments"
import releaseCooledAddressesJob, { config as releaseConfig } from "../../../jobs/release-cooled-addresses"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import { seedPool } from "./support/seed"
import { depositRecord } from "./support/deposit-record"
import { testOptions, USDT_CONTRACT } from "./support/fixtures"
import { recordingLogger } from "./support/logger"

jest.setTimeout(60_000)

const log = recordingLogger()

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  // the WaaS is unreachable in this file: checkout must work from the pool alone
  moduleOptions: testOptions() as unknown as Record<string, unknown>,
  testSuite: ({ service }) => {
    describe("configuration and quotes", () => {
      it("lists the enabled coins with public fields only", () => {
        expect(service.listEnabledCoins()).toEqual([
          { symbol: "BTC", displayName: "Bitcoin", network: "bitcoin", decimals: 8, explorerUrl: "https://mempool.space/address/{address}" },
          { symbol: "ETH", displayName: "Ether", network: "ethereum", decimals: 18, explorerUrl: "https://etherscan.io" },
          { symbol: "USDTERC20", displayName: "Tether (ERC-20)", network: "ethereum", decimals: 6, explorerUrl: null },
        ])
      })

      it("keeps the parsed options, a redacted copy for logs and one lazily built client", () => {
        expect(service.getOptions().defaultCoin).toBe("USDTERC20")
        expect(JSON.stringify(service.getRedactedOptions())).not.toContain(service.getOptions().merchantPrivateKey)
        expect(service.getClient()).toBe(service.getClient())
      })

      it("quotes without writing anything", async () => {
        const q = await service.quote({ amount: "19.99", currency_code: "usd", symbol: "ETH" })
        expect(q).toEqual({
          symbol: "ETH",
          // 19.99 / 3000 = 0.00666333…, rounded UP to 18 decimals
          amount_due: "0.006663333333333334",
          rate: "3000",
          rate_source: "fixed",
          rate_at: expect.any(Date),
          decimals: 18,
        })
        expect((await service.quote({ amount: 5, currency_code: "usd" })).symbol).toBe("USDTERC20")
        await expect(service.quote({ amount: 0, currency_code: "usd" })).rejects.toThrow("expected a positive fiat amount, got 0")
        expect(await service.listCryptoPayments({})).toHaveLength(0)
        expect(await service.listPoolAddresses({})).toHaveLength(0)
      })
    })

    describe("createPaymentForSession", () => {
      it("quotes, claims one pool address and stores the payment in one go", async () => {
        const seeded = await seedPool(service, "BTC", 3)
        const before = Date.now()
        const payment = await service.createPaymentForSession({ session_id: "payses_1", amount: 100, currency_code: "usd", symbol: "BTC" })

        // 100 / 65000 = 0.0015384615…, rounded UP to 8 decimals
        expect(payment.amount_due).toBe("0.00153847")
        expect(payment.rate).toBe("65000")
        expect(payment.rate_source).toBe("fixed")
        expect(payment.status).toBe("awaiting_payment")
        expect(payment.symbol).toBe("BTC")
        expect(payment.network).toBe("bitcoin")
        expect(payment.decimals).toBe(8)
        expect(seeded).toContain(payment.address)
        expect(payment.amount_received).toBe("0")
        const expires = new Date(payment.expires_at).getTime()
        expect(expires).toBeGreaterThanOrEqual(before + 900_000)
        expect(expires).toBeLessThan(Date.now() + 900_000 + 1)
        expect(new Date(payment.monitor_until).getTime() - expires).toBe(3_600_000)

        const held = await service.listPoolAddresses({ crypto_payment_id: payment.id })
        expect(held).toHaveLength(1)
        expect(held[0]).toMatchObject({ id: payment.pool_address_id, status: "assigned", address: payment.address })
        expect(held[0].assigned_at).not.toBeNull()
      })

      it("keeps the exact fiat amount in the bigNumber column", async () => {
        await seedPool(service, "USDTERC20", 1)
        const payment = await service.createPaymentForSession({ session_id: "payses_exact", amount: "1234.56789", currency_code: "USD" })
        const [stored] = await service.listCryptoPayments({ id: payment.id }, { select: ["id", "raw_fiat_amount", "currency_code", "amount_due"] })
        expect((stored as unknown as { raw_fiat_amount: { value: string } }).raw_fiat_amount.value).toBe("1234.56789")
        expect(stored.currency_code).toBe("usd")
        // USDTERC20 at 1 USD, 6 decimals: 1234.56789 rounds up to 1234.567890
        expect(stored.amount_due).toBe("1234.56789")
      })

      it("is idempotent per session: a second call returns the same payment and claims nothing more", async () => {
        await seedPool(service, "USDTERC20", 3)
        const a = await service.createPaymentForSession({ session_id: "payses_idem", amount: 10, currency_code: "usd" })
        const b = await service.createPaymentForSession({ session_id: "payses_idem", amount: 10, currency_code: "usd" })
        expect(b.id).toBe(a.id)
        expect(await service.listPoolAddresses({ status: "assigned" })).toHaveLength(1)
      })

      it("reads a session's payment (one statement, no ORM) exactly as the ORM reads it, before and after it changes", async () => {
        await seedPool(service, "USDTERC20", 3)
        expect(await service.retrievePaymentBySession("payses_none")).toBeNull()
        const created = await service.createPaymentForSession({ session_id: "payses_read", amount: "1234.5600", currency_code: "usd" })
        const orm = () => service.retrieveCryptoPayment(created.id)
        expect(await service.retrievePaymentBySession("payses_read")).toEqual(await orm())
        await service.requotePayment({ session_id: "payses_read", amount: "99.1", currency_code: "eur" })
        await service.attachOrder("payses_read", "order_read")
        const after = await service.retrievePaymentBySession("payses_read")
        expect(after).toEqual(await orm())
        expect(after).toMatchObject({ order_id: "order_read", currency_code: "eur", fiat_amount: 99.1, raw_fiat_amount: { value: "99.1" } })
      })

      it("concurrent calls for one session all get the one payment, holding one address", async () => {
        await seedPool(service, "USDTERC20", 10)
        const payments = await Promise.all(
          Array.from({ length: 8 }, () => service.createPaymentForSession({ session_id: "payses_race", amount: 10, currency_code: "usd" })),
        )
        expect(new Set(payments.map((p) => p.id)).size).toBe(1)
        expect(await service.listCryptoPayments({})).toHaveLength(1)
        const assigned = await service.listPoolAddresses({ status: "assigned" })
        expect(assigned).toHaveLength(1)
        expect(assigned[0].crypto_payment_id).toBe(payments[0].id)
      })

      it("gives 50 concurrent checkouts 50 distinct addresses", async () => {
        await seedPool(service, "USDTERC20", 60)
        const payments = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            service.createPaymentForSession({ session_id: `payses_c${i}`, amount: 25, currency_code: "usd" }),
          ),
        )
        expect(new Set(payments.map((p) => p.address)).size).toBe(50)
        expect(new Set(payments.map((p) => p.pool_address_id)).size).toBe(50)
        const assigned = await service.listPoolAddresses({ status: "assigned" }, { take: 100 })
        expect(assigned).toHaveLength(50)
        expect(await service.listPoolAddresses({ status: "available" }, { take: 100 })).toHaveLength(10)
        const byAddress = new Map(assigned.map((a) => [a.id, a]))
        for (const p of payments) expect(byAddress.get(p.pool_address_id)?.crypto_payment_id).toBe(p.id)
      })

      it("with 30 addresses and the WaaS down, exactly 30 of 50 succeed and 20 fail clearly (5 live fetches, the budget), leaving nothing half-made", async () => {
        await seedPool(service, "USDTERC20", 30)
        log.clear()
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) =>
            service.createPaymentForSession({ session_id: `payses_d${i}`, amount: 25, currency_code: "usd" }),
          ),
        )
        const ok = results.filter((r) => r.status === "fulfilled")
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected")
        expect(ok).toHaveLength(30)
        expect(failed).toHaveLength(20)
        // the default liveFetchBudgetPerMinute (5) tried the WaaS; the other 15 were refused without a call
        const unreachable = failed.filter((f) => String(f.reason.message).includes("could not be reached"))
        expect(unreachable).toHaveLength(5)
        for (const f of unreachable) {
          expect(String(f.reason.message)).toMatch(
            /^no deposit address available right now for USDTERC20: the address pool is empty and the WaaS could not be reached \(it is unreachable\)$/,
          )
          // the storefront sees this message: the internals stay in the log
          expect(String(f.reason.message)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|localhost/)
          expect(String(f.reason.detail)).toMatch(/ECONNREFUSED|fetch failed|connect/i)
        }
        for (const f of failed.filter((x) => !unreachable.includes(x))) {
          expect(String(f.reason.message)).toBe(
            "no deposit address available right now for USDTERC20: the address pool is empty and this store's live address fetches are used up (5 a minute); try again in a minute",
          )
        }
        const payments = await service.listCryptoPayments({}, { take: 100 })
        expect(payments).toHaveLength(30)
        const assigned = await service.listPoolAddresses({ status: "assigned" }, { take: 100 })
        expect(assigned).toHaveLength(30)
        expect(new Set(assigned.map((a) => a.crypto_payment_id))).toEqual(new Set(payments.map((p) => p.id)))
        // the live attempts left only their registration intents: no uid, no address, resumable by the refill
        const accounts = await service.listWaasAccounts({ symbol: "USDTERC20" }, { take: 100 })
        const intents = accounts.filter((a) => a.status !== "provisioned")
        expect(intents).toHaveLength(5)
        expect(intents.every((a) => a.status === "pending_registration" && a.uid === null)).toBe(true)
        expect(await service.listPoolAddresses({}, { take: 100 })).toHaveLength(30)
        // the store owner hears that the pool ran dry
        expect(log.lines.warn.filter((m) => m.includes("the USDTERC20 address pool ran dry at checkout"))).toHaveLength(20)
      })

      it("claims with the WaaS unreachable as long as the pool has an address", async () => {
        await seedPool(service, "ETH", 1)
        log.clear()
        const payment = await service.createPaymentForSession({ session_id: "payses_offline", amount: 300, currency_code: "usd", symbol: "ETH" })
        expect(payment.amount_due).toBe("0.1")
        // no WaaS round trip: the pool served it, nothing was fetched live
        expect(log.lines.warn.filter((m) => m.includes("ran dry"))).toEqual([])
        expect(log.lines.error).toEqual([])
      })

      it("fails clearly with an empty pool and the WaaS down, writing no payment and assigning nothing", async () => {
        await seedPool(service, "BTC", 2)
        await expect(
          service.createPaymentForSession({ session_id: "payses_dry", amount: 10, currency_code: "usd", symbol: "ETH" }),
        ).rejects.toThrow(/no deposit address available right now for ETH: the address pool is empty and the WaaS could not be reached/)
        expect(await service.listCryptoPayments({})).toHaveLength(0)
        expect(await service.listPoolAddresses({ status: "assigned" })).toHaveLength(0)
        // a retry once the pool has an address succeeds for the same session
        await seedPool(service, "ETH", 1)
        const payment = await service.createPaymentForSession({ session_id: "payses_dry", amount: 10, currency_code: "usd", symbol: "ETH" })
        expect(payment.status).toBe("awaiting_payment")
      })

      it("rejects an unknown or disabled coin, naming the coins the store accepts", async () => {
        await expect(
          service.createPaymentForSession({ session_id: "payses_x", amount: 10, currency_code: "usd", symbol: "TRX" }),
        ).rejects.toThrow('unknown or disabled coin "TRX"; this store accepts BTC, ETH, USDTERC20')
        await expect(
          service.createPaymentForSession({ session_id: "payses_y", amount: 10, currency_code: "usd", symbol: "DOGE" }),
        ).rejects.toThrow(/unknown or disabled coin "DOGE"/)
      })

      it("rejects a currency the rate source has no price for, before claiming anything", async () => {
        await seedPool(service, "BTC", 1)
        await expect(
          service.createPaymentForSession({ session_id: "payses_jpy", amount: 10, currency_code: "jpy", symbol: "BTC" }),
        ).rejects.toThrow('no exchange rate for BTC in JPY: rateSource.rates has no entry rates["BTC"]["jpy"]')
        expect(await service.listPoolAddresses({ status: "available" })).toHaveLength(1)
      })
    })

    describe("releasePaymentForSession", () => {
      it("cancels the payment and keeps its never-paid address out of the pool until the quote's monitoring window closes; repeating it is a no-op", async () => {
        await seedPool(service, "USDTERC20", 1)
        const payment = await service.createPaymentForSession({ session_id: "payses_rel", amount: 5, currency_code: "usd" })
        await service.releasePaymentForSession("payses_rel")
        await service.releasePaymentForSession("payses_rel")
        await service.releasePaymentForSession("payses_never_existed")

        const after = await service.retrievePaymentBySession("payses_rel")
        expect(after?.status).toBe("canceled")
        const [address] = await service.listPoolAddresses({ id: payment.pool_address_id })
        // the shopper saw this address: it cools until the quote would have stopped being watched
        expect(address).toMatchObject({ status: "cooling", crypto_payment_id: payment.id })
        expect(new Date(address.cooling_until!).getTime()).toBe(new Date(payment.monitor_until).getTime())
        expect(address.released_at).not.toBeNull()
        const monitorEnd = new Date(payment.monitor_until).getTime()
        expect(await service.releaseCooledAddresses(new Date(monitorEnd - 1))).toEqual({ cooling: 0, retired: 0, available: 0 })
        expect(await service.releaseCooledAddresses(new Date(monitorEnd))).toEqual({ cooling: 0, retired: 0, available: 1 })
        const [back] = await service.listPoolAddresses({ id: payment.pool_address_id })
        expect(back).toMatchObject({ status: "available", crypto_payment_id: null, assigned_at: null })
        await expect(
          service.createPaymentForSession({ session_id: "payses_rel", amount: 5, currency_code: "usd" }),
        ).rejects.toThrow(/was canceled; start a new payment session/)
      })

      it("refuses while a deposit is on its way: the payment and its address stay with the shopper's money", async () => {
        await seedPool(service, "USDTERC20", 1)
        const payment = await service.createPaymentForSession({ session_id: "payses_seen", amount: 5, currency_code: "usd" })
        // a transfer to its address is on chain, not yet confirmed
        await service.applyDeposit(depositRecord(payment, { amount: "1.5", status: 0, confirmations: 3 }), "poll")
        expect((await service.retrievePaymentBySession("payses_seen"))?.amount_pending).toBe("1.5")
        await expect(service.releasePaymentForSession("payses_seen")).rejects.toThrow(/already detected for this cart/)
        const [address] = await service.listPoolAddresses({ id: payment.pool_address_id })
        expect(address).toMatchObject({ status: "assigned", crypto_payment_id: payment.id })
        expect((await service.retrievePaymentBySession("payses_seen"))?.status).toBe("awaiting_payment")
      })
    })

    describe("requotePayment", () => {
      it("re-quotes a new amount on the same address with a fresh expiry", async () => {
        await seedPool(service, "USDTERC20", 2)
        const p = await service.createPaymentForSession({ session_id: "payses_rq", amount: 5, currency_code: "usd" })
        const q = await service.requotePayment({ session_id: "payses_rq", amount: 9.2, currency_code: "eur" })
        expect(q.id).toBe(p.id)
        expect(q.address).toBe(p.address)
        // 9.2 EUR / 0.92 = 10
        expect(q.amount_due).toBe("10")
        expect(q.currency_code).toBe("eur")
        expect(new Date(q.expires_at).getTime()).toBeGreaterThanOrEqual(new Date(p.expires_at).getTime())
      })

      it("swaps the address atomically on a coin change", async () => {
        await seedPool(service, "USDTERC20", 1)
        const [btc] = await seedPool(service, "BTC", 1)
        const p = await service.createPaymentForSession({ session_id: "payses_swap", amount: 130, currency_code: "usd" })
        const q = await service.requotePayment({ session_id: "payses_swap", amount: 130, currency_code: "usd", symbol: "BTC" })
        expect(q).toMatchObject({ id: p.id, symbol: "BTC", network: "bitcoin", address: btc, amount_due: "0.002", decimals: 8 })
        const [old] = await service.listPoolAddresses({ id: p.pool_address_id })
        // the old address was shown to the shopper: out of the pool until that quote's window closes
        expect(old).toMatchObject({ status: "cooling", crypto_payment_id: p.id })
        expect(new Date(old.cooling_until!).getTime()).toBe(new Date(p.monitor_until).getTime())
        const [fresh] = await service.listPoolAddresses({ id: q.pool_address_id })
        expect(fresh).toMatchObject({ status: "assigned", crypto_payment_id: p.id, symbol: "BTC" })
      })

      it("leaves the payment untouched when the new coin has no address and the WaaS is down", async () => {
        await seedPool(service, "USDTERC20", 1)
        const p = await service.createPaymentForSession({ session_id: "payses_swapfail", amount: 10, currency_code: "usd" })
        await expect(
          service.requotePayment({ session_id: "payses_swapfail", amount: 10, currency_code: "usd", symbol: "ETH" }),
        ).rejects.toThrow(/no deposit address available right now for ETH/)
        const after = await service.retrievePaymentBySession("payses_swapfail")
        expect(after).toMatchObject({ symbol: "USDTERC20", address: p.address, pool_address_id: p.pool_address_id })
        const [held] = await service.listPoolAddresses({ id: p.pool_address_id })
        expect(held).toMatchObject({ status: "assigned", crypto_payment_id: p.id })
      })

      it("refuses once a deposit has been seen, and for a canceled payment", async () => {
        await seedPool(service, "USDTERC20", 2)
        const p = await service.createPaymentForSession({ session_id: "payses_paid", amount: 10, currency_code: "usd" })
        // 3 of the 10 arrived: underpaid
        await service.applyDeposit(depositRecord(p, { amount: "3" }), "callback")
        expect((await service.retrievePaymentBySession("payses_paid"))?.status).toBe("underpaid")
        await expect(service.requotePayment({ session_id: "payses_paid", amount: 12, currency_code: "usd" })).rejects.toThrow(
          /cannot be re-quoted: a deposit has already been seen/,
        )
        await service.createPaymentForSession({ session_id: "payses_gone", amount: 10, currency_code: "usd" })
        await service.releasePaymentForSession("payses_gone")
        await expect(service.requotePayment({ session_id: "payses_gone", amount: 12, currency_code: "usd" })).rejects.toThrow(
          'crypto payment: illegal status change from "canceled" to "awaiting_payment"',
        )
        await expect(service.requotePayment({ session_id: "payses_none", amount: 1, currency_code: "usd" })).rejects.toThrow(
          "no crypto payment for payment session payses_none",
        )
      })
    })

    describe("expiry, monitoring and quarantine", () => {
      it("expires the quote, keeps the address through monitoring, cools it, then reopens it", async () => {
        await seedPool(service, "USDTERC20", 1)
        const p = await service.createPaymentForSession({ session_id: "payses_life", amount: 10, currency_code: "usd" })
        const expiresAt = new Date(p.expires_at).getTime()

        expect(await service.expireStalePayments(new Date(expiresAt - 1))).toEqual({ expired: 0 })
        expect(await service.expireStalePayments(new Date(expiresAt))).toEqual({ expired: 1 })
        expect((await service.retrievePaymentBySession("payses_life"))?.status).toBe("expired")

        // inside the monitoring window the expired payment keeps its address
        expect(await service.releaseCooledAddresses(new Date(expiresAt + 60_000))).toEqual({ cooling: 0, retired: 0, available: 0 })
        const monitorEnd = new Date(p.monitor_until).getTime()
        expect(await service.releaseCooledAddresses(new Date(monitorEnd))).toEqual({ cooling: 1, retired: 0, available: 0 })
        const [cooling] = await service.listPoolAddresses({ id: p.pool_address_id })
        expect(cooling.status).toBe("cooling")
        expect(new Date(cooling.cooling_until!).getTime()).toBe(monitorEnd + 7 * 86_400_000)

        expect(await service.releaseCooledAddresses(new Date(monitorEnd + 7 * 86_400_000 - 1))).toEqual({ cooling: 0, retired: 0, available: 0 })
        expect(await service.releaseCooledAddresses(new Date(monitorEnd + 7 * 86_400_000))).toEqual({ cooling: 0, retired: 0, available: 1 })
        const [reopened] = await service.listPoolAddresses({ id: p.pool_address_id })
        // the end of its quarantine stays on the row: the next holder's time starts there, not earlier
        expect(reopened).toMatchObject({ status: "available", crypto_payment_id: null })
        expect(new Date(reopened.cooling_until!).getTime()).toBe(monitorEnd + 7 * 86_400_000)

        // the next checkout may take it again
        const next = await service.createPaymentForSession({ session_id: "payses_life2", amount: 10, currency_code: "usd" })
        expect(next.address).toBe(p.address)
        expect(new Date(next.address_free_since!).getTime()).toBe(monitorEnd + 7 * 86_400_000)
      })

      it("re-quoting after the monitoring window gives a fresh address: the old one may already serve someone else", async () => {
        await seedPool(service, "USDTERC20", 2)
        const p = await service.createPaymentForSession({ session_id: "payses_late", amount: 10, currency_code: "usd" })
        await service.expireStalePayments(new Date(p.expires_at))
        await service.releaseCooledAddresses(new Date(p.monitor_until))
        const q = await service.requotePayment({ session_id: "payses_late", amount: 10, currency_code: "usd" })
        expect(q.status).toBe("awaiting_payment")
        expect(q.address).not.toBe(p.address)
        expect((await service.listPoolAddresses({ id: p.pool_address_id }))[0]).toMatchObject({ status: "cooling", crypto_payment_id: p.id })
        expect((await service.listPoolAddresses({ id: q.pool_address_id }))[0]).toMatchObject({ status: "assigned", crypto_payment_id: p.id })
        // when its quarantine ends the old address is free again, and the revived payment keeps its own
        await service.releaseCooledAddresses(new Date(new Date(p.monitor_until).getTime() + 7 * 86_400_000))
        const other = await service.createPaymentForSession({ session_id: "payses_late2", amount: 10, currency_code: "usd" })
        expect(other.address).toBe(p.address)
        expect((await service.retrievePaymentBySession("payses_late"))?.address).toBe(q.address)
      })

      it("re-quoting an expired payment revives it on the same address", async () => {
        await seedPool(service, "USDTERC20", 1)
        const p = await service.createPaymentForSession({ session_id: "payses_revive", amount: 10, currency_code: "usd" })
        await service.expireStalePayments(new Date(new Date(p.expires_at).getTime() + 1))
        const q = await service.requotePayment({ session_id: "payses_revive", amount: 11, currency_code: "usd" })
        expect(q).toMatchObject({ status: "awaiting_payment", address: p.address, amount_due: "11" })
      })
    })

    describe("upkeep jobs", () => {
      it("run the module's expiry and address upkeep with the current time", async () => {
        await seedPool(service, "USDTERC20", 1)
        await service.createPaymentForSession({ session_id: "payses_job", amount: 10, currency_code: "usd" })
        const container = createMedusaContainer()
        container.register({ [WAAS_MODULE]: asValue(service), logger: asValue({ info: jest.fn() }) })
        expect(expireConfig).toEqual({ name: "waas-expire-stale-payments", schedule: "* * * * *" })
        expect(releaseConfig).toEqual({ name: "waas-release-cooled-addresses", schedule: "*/5 * * * *" })
        // a fresh quote is neither expired nor past monitoring
        expect(await expireStalePaymentsJob(container)).toEqual({ expired: 0 })
        expect(await releaseCooledAddressesJob(container)).toEqual({ cooling: 0, retired: 0, available: 0 })
        expect((await service.retrievePaymentBySession("payses_job"))?.status).toBe("awaiting_payment")
      })
    })

    describe("attachOrder and the public view", () => {
      it("records the order once and refuses a different one", async () => {
        await seedPool(service, "USDTERC20", 1)
        await service.createPaymentForSession({ session_id: "payses_ord", amount: 10, currency_code: "usd" })
        expect((await service.attachOrder("payses_ord", "order_1")).order_id).toBe("order_1")
        expect((await service.attachOrder("payses_ord", "order_1")).order_id).toBe("order_1")
        await expect(service.attachOrder("payses_ord", "order_2")).rejects.toThrow(/already belongs to order order_1/)
      })

      it("shows public fields only, with an EIP-681 token URI", async () => {
        await seedPool(service, "USDTERC20", 1)
        const p = await service.createPaymentForSession({ session_id: "payses_view", amount: "12.5", currency_code: "usd" })
        const view = service.toPublicView(p)
        expect(view).toEqual({
          session_id: "payses_view",
          status: "awaiting_payment",
          symbol: "USDTERC20",
          network: "ethereum",
          address: p.address,
          memo: null,
          amount_due: "12.5",
          amount_received: "0",
          amount_pending: "0",
          payment_detected: false,
          message: "Waiting for your payment",
          amount_remaining: "12.5",
          expires_at: new Date(p.expires_at).toISOString(),
          payment_uri: `ethereum:${USDT_CONTRACT}@1/transfer?address=${p.address}&uint256=12500000`,
          // nothing arrived yet: what to scan now is the whole amount
          remaining_payment_uri: `ethereum:${USDT_CONTRACT}@1/transfer?address=${p.address}&uint256=12500000`,
          explorer_url: null,
        })
        const [account] = await service.listWaasAccounts({})
        const text = JSON.stringify(view)
        expect(text).not.toContain(account.email)
        expect(text).not.toContain(account.uid!)
        expect(text).not.toContain(p.pool_address_id)
      })
    })

    describe("poolStats", () => {
      it("counts addresses per coin and status, and the users against the cap", async () => {
        await seedPool(service, "BTC", 3)
        await seedPool(service, "USDTERC20", 2)
        await service.createPaymentForSession({ session_id: "payses_st", amount: 10, currency_code: "usd" })
        const stats = await service.poolStats()
        expect(stats.users).toEqual({ count: 5, cap: 50_000 })
        expect(stats.coins.find((c) => c.symbol === "BTC")).toEqual({
          symbol: "BTC", enabled: true, low_watermark: 5, available: 3, assigned: 0, cooling: 0, retired: 0,
        })
        expect(stats.coins.find((c) => c.symbol === "USDTERC20")).toMatchObject({ available: 1, assigned: 1 })
        expect(stats.coins.find((c) => c.symbol === "TRX")).toMatchObject({ enabled: false, available: 0 })
      })
    })
  },
})
