import path from "node:path"
import Decimal from "decimal.js"
import type { SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { WAAS_MODULE } from ".."
import type WaasModuleService from "../service"
import { depositRecord } from "./support/deposit-record"
import { testOptions } from "./support/fixtures"
import { recordingLogger } from "./support/logger"
import { seedPool } from "./support/seed"

jest.setTimeout(60_000)

/**
 * Refund requests on real Postgres, without a WaaS (the module's client points at a dead port, so the
 * WaaS's address rules are unknown and only the plugin's own checks apply): amounts and rounding, the
 * refundable amount under concurrency, four eyes, rejection, the audit trail, the three sources.
 */
const log = recordingLogger()
const ADMIN_A = "user_admin_a"
const ADMIN_B = "user_admin_b"
const ADMIN_C = "user_admin_c"
const DEST = { address: "0x52908400098527886E0F7030069857D2E4169EE7", memo: null }

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions({
    withdrawals: {
      payer: { type: "treasury", uid: "4242" },
      serviceFees: { ETH: "0.002" },
      approvalTiers: [{ currency: "usd", above: "20", approvals: 2 }],
    },
  }) as unknown as Record<string, unknown>,
  testSuite: ({ service, MikroOrmWrapper }) => {
    const db = () => (MikroOrmWrapper.forkManager() as SqlEntityManager).getKnex()
    const w = () => service.withdrawals()

    /** a paid ETH payment of `usd` dollars at the fixed 3000 USD rate (plus `extra` ETH overpaid) */
    async function paidEth(session: string, usd: number, extra = "0") {
      await seedPool(service, "ETH", 1, session)
      const p = await service.createPaymentForSession({ session_id: session, amount: usd, currency_code: "usd", symbol: "ETH" })
      const amount = new Decimal(p.amount_due).plus(extra).toFixed()
      await service.applyDeposit(depositRecord(p, { amount }), "callback")
      return service.retrieveCryptoPayment(p.id)
    }

    it("a fiat refund at the locked rate: crypto rounded DOWN to the coin's decimals, the fee added on top", async () => {
      const p = await paidEth("payses_w_fiat", 25)
      expect(p.amount_due).toBe("0.008333333333333334") // 25 / 3000 rounded up at checkout
      const { withdrawal, events } = await w().request({
        source: "payment",
        crypto_payment_id: p.id,
        fiat_amount: "10",
        rate_basis: "locked",
        reason: "returned item",
        requested_by: ADMIN_A,
        destination: DEST,
      })
      expect(withdrawal).toMatchObject({
        status: "requested",
        refund_amount: "0.003333333333333333", // 10 / 3000 rounded down
        amount: "0.005333333333333333", // + the 0.002 service fee the merchant bears
        receive_amount: "0.003333333333333333",
        fee_bearer: "merchant",
        expected_service_fee: "0.002",
        fiat_amount: "10",
        currency_code: "usd",
        rate: "3000",
        rate_basis: "locked",
        from_uid: "4242",
        approvals_required: 1,
        order_id: null,
        payment_session_id: "payses_w_fiat",
      })
      expect(withdrawal.request_id).toMatch(/^wreq_[0-9A-Z]{26}$/)
      expect(events).toEqual(["waas.withdrawal.requested"])
    })

    it("the refundable amount counts requests in flight; of two concurrent requests exceeding it, one is refused", async () => {
      const p = await paidEth("payses_w_conc", 25)
      const ask = (usd: string) =>
        w().request({ source: "payment", crypto_payment_id: p.id, fiat_amount: usd, rate_basis: "locked", reason: "r", requested_by: ADMIN_A, destination: DEST })
      const results = await Promise.allSettled([ask("15"), ask("15")])
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1)
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult
      expect(refused.reason.message).toBe("only 10 USD of this payment is left to refund (asked 15)")
      await expect(ask("10.01")).rejects.toThrow("only 10 USD of this payment is left to refund (asked 10.01)")
      expect(await w().list({ crypto_payment_id: p.id })).toHaveLength(1)
      // the whole rest refunds the rest of the crypto exactly, whatever the rounding of the parts
      const rest = await ask("10")
      const all = await w().list({ crypto_payment_id: p.id })
      expect(all).toHaveLength(2)
      expect(rest.withdrawal.refund_amount).toBe("0.003333333333333333")
      const crypto = all.reduce((sum, r) => sum.plus(r.refund_amount), new Decimal(0))
      expect(crypto.lte(p.amount_due)).toBe(true)
    })

    it("four eyes: the requester cannot approve (403); above the tier two other admins must", async () => {
      const p = await paidEth("payses_w_eyes", 25)
      const big = await w().request({ source: "payment", crypto_payment_id: p.id, fiat_amount: "25", rate_basis: "locked", reason: "cancel", requested_by: ADMIN_A, destination: DEST })
      expect(big.withdrawal.approvals_required).toBe(2)
      await expect(w().approve(big.withdrawal.id, ADMIN_A)).rejects.toMatchObject({ type: "forbidden" })
      const first = await w().approve(big.withdrawal.id, ADMIN_B)
      expect(first.withdrawal).toMatchObject({ status: "requested", approved_by: { ids: [ADMIN_B] } })
      expect(first.events).toEqual([])
      await expect(w().approve(big.withdrawal.id, ADMIN_B)).rejects.toThrow(/already approved/)
      const second = await w().approve(big.withdrawal.id, ADMIN_C)
      expect(second.withdrawal).toMatchObject({ status: "approved", approved_by: { ids: [ADMIN_B, ADMIN_C] } })
      expect(second.events).toEqual(["waas.withdrawal.approved"])
      const trail = await w().audit(big.withdrawal.id)
      expect(trail.map((a) => [a.action, a.source, a.actor, a.to_status])).toEqual([
        ["requested", "admin", ADMIN_A, "requested"],
        ["approval", "admin", ADMIN_B, "requested"],
        ["approval", "admin", ADMIN_C, "requested"],
        ["approved", "admin", ADMIN_C, "approved"],
      ])
    })

    it("a rejection never reaches the WaaS and gives the amount back; a request without address cannot be approved", async () => {
      const p = await paidEth("payses_w_rej", 25)
      const r = await w().request({ source: "payment", crypto_payment_id: p.id, crypto_amount: p.amount_due, reason: "fraud?", requested_by: ADMIN_A, destination: null })
      // the whole crypto amount refunds the whole fiat amount
      expect(r.withdrawal).toMatchObject({ fiat_amount: "25", refund_amount: p.amount_due, rate_basis: "crypto", to_address: null })
      await expect(w().approve(r.withdrawal.id, ADMIN_B)).rejects.toThrow(/no destination address yet/)
      const rejected = await w().reject(r.withdrawal.id, ADMIN_B, "the shopper kept the goods")
      expect(rejected.withdrawal).toMatchObject({ status: "rejected", rejected_by: ADMIN_B, rejection_reason: "the shopper kept the goods" })
      expect(rejected.events).toEqual(["waas.withdrawal.rejected"])
      await expect(w().beginSubmission(r.withdrawal.id)).resolves.toBeNull()
      await expect(w().approve(r.withdrawal.id, ADMIN_C)).rejects.toThrow(/is rejected/)
      const again = await w().request({ source: "payment", crypto_payment_id: p.id, fiat_amount: "25", rate_basis: "current", reason: "r", requested_by: ADMIN_A, destination: DEST })
      expect(again.withdrawal).toMatchObject({ rate_basis: "current", rate_source: "fixed", refund_amount: "0.008333333333333333" })
    })

    it("an overpayment's excess and a deposit marked for refund are refundable up to what they hold", async () => {
      const p = await paidEth("payses_w_excess", 25, "0.5")
      expect(p.status).toBe("overpaid")
      const excess = await w().request({ source: "excess", crypto_payment_id: p.id, crypto_amount: null, reason: "overpaid", requested_by: ADMIN_A, destination: DEST })
      expect(excess.withdrawal).toMatchObject({ source: "excess", refund_amount: "0.5", fiat_amount: null, amount: "0.502" })
      await expect(
        w().request({ source: "excess", crypto_payment_id: p.id, crypto_amount: "0.1", reason: "again", requested_by: ADMIN_A, destination: DEST }),
      ).rejects.toThrow("crypto payment " + p.id + " has no overpayment left to refund")

      const orphan = await service.applyDeposit(depositRecord({ address: "0x00000000000000000000000000000000000dead1", symbol: "ETH", amount_due: "0.75" }), "poll")
      expect(orphan.after).toBe("orphaned")
      await expect(
        w().request({ source: "deposit", deposit_id: orphan.deposit_id, crypto_amount: null, reason: "unknown sender", requested_by: ADMIN_A, destination: DEST }),
      ).rejects.toThrow(/mark a held or orphaned deposit for refund first/)
      // the admin's decision re-reads the deposit from the WaaS (deposit-decisions.spec.ts proves it against the
      // simulator); this file has no WaaS, so its outcome stands in for it: the deposit waits for its refund
      await db().raw(`UPDATE waas_deposit SET status = 'refund_pending', resolution = 'mark_for_refund', resolved_by = ? WHERE id = ?`, [
        ADMIN_A,
        orphan.deposit_id,
      ])
      const dep = await w().request({ source: "deposit", deposit_id: orphan.deposit_id, crypto_amount: "0.7", reason: "unknown sender", requested_by: ADMIN_A, destination: DEST })
      expect(dep.withdrawal).toMatchObject({ source: "deposit", refund_amount: "0.7", from_uid: "4242", symbol: "ETH" })
      await expect(
        w().request({ source: "deposit", deposit_id: orphan.deposit_id, crypto_amount: "0.06", reason: "rest", requested_by: ADMIN_A, destination: DEST }),
      ).rejects.toThrow(`only 0.05 ETH of deposit ${orphan.deposit_id} is left to refund (asked 0.06)`)
    })

    it("refusals name what to fix and write nothing", async () => {
      const p = await paidEth("payses_w_bad", 25)
      const base = { source: "payment" as const, crypto_payment_id: p.id, reason: "r", requested_by: ADMIN_A, destination: DEST }
      await expect(w().request({ ...base, crypto_amount: "0.0000000000000000001" })).rejects.toThrow(/at most 18 decimals/)
      await expect(w().request({ ...base, crypto_amount: "0" })).rejects.toThrow("the refund amount must be positive")
      await expect(w().request({ ...base, fiat_amount: "12.3456789012", rate_basis: "locked" })).rejects.toThrow(/not a plain decimal/)
      await expect(w().request({ ...base, destination: { address: "0x12 34", memo: null }, crypto_amount: "0.001" })).rejects.toThrow(/one word/)
      await expect(w().request({ ...base, crypto_payment_id: "wcpay_nope", crypto_amount: "0.001" })).rejects.toThrow(/does not exist/)
      await seedPool(service, "ETH", 1, "unpaid")
      const awaiting = await service.createPaymentForSession({ session_id: "payses_w_unpaid", amount: 5, currency_code: "usd", symbol: "ETH" })
      await expect(w().request({ ...base, crypto_payment_id: awaiting.id, crypto_amount: "0.001" })).rejects.toThrow(/only a paid or overpaid payment/)
      expect(await w().list({ crypto_payment_id: p.id })).toHaveLength(0)
    })
  },
})
