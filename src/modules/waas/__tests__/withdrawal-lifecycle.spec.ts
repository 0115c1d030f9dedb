import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { WAAS_MODULE } from ".."
import { openConfirmationAnswer, type WithdrawRecord } from "../../../protocol"
import type WaasModuleService from "../service"
import { depositRecord } from "./support/deposit-record"
import { MERCHANT_KEYS, testOptions } from "./support/fixtures"
import { recordingLogger } from "./support/logger"
import { seedPool } from "./support/seed"

jest.setTimeout(60_000)

/**
 * A withdrawal's life after approval on real Postgres, with the WaaS's answers given as values (the HTTP
 * spec drives the same code through the simulator): submission outcomes, the WaaS's reports (forward only,
 * final sticky, mismatches never applied), the second confirmation, and the Medusa refund claim.
 */
const log = recordingLogger()
const DEST = { address: "0x52908400098527886E0F7030069857D2E4169EE7", memo: null }

moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions({ withdrawals: { payer: { type: "treasury", uid: "4242" } } }) as unknown as Record<string, unknown>,
  testSuite: ({ service }) => {
    const w = () => service.withdrawals()

    /** a paid 30 USD USDT payment and an approved, submitting refund of `usd` */
    async function submitting(session: string, usd = "10") {
      await seedPool(service, "USDTERC20", 1, session)
      const p = await service.createPaymentForSession({ session_id: session, amount: 30, currency_code: "usd", symbol: "USDTERC20" })
      await service.applyDeposit(depositRecord(p), "callback")
      const { withdrawal } = await w().request({ source: "payment", crypto_payment_id: p.id, fiat_amount: usd, rate_basis: "locked", reason: "r", requested_by: "user_a", destination: DEST })
      await w().approve(withdrawal.id, "user_b")
      const begun = await w().beginSubmission(withdrawal.id)
      expect(begun?.withdrawal.status).toBe("submitting")
      return { payment: p, row: begun!.withdrawal }
    }

    function record(row: { request_id: string; amount: string }, patch: Partial<WithdrawRecord> = {}): WithdrawRecord {
      return {
        id: 77, request_id: row.request_id, uid: 4242, symbol: "USDTERC20", amount: row.amount, withdraw_fee_symbol: "USDTERC20", withdraw_fee: "0",
        fee_symbol: "ETH", real_fee: "0", address_from: "", address_to: DEST.address, txid: "", confirmations: 0, status: 0,
        created_at: Date.now(), updated_at: Date.now(), ...patch,
      } as WithdrawRecord
    }

    it("one sender at a time; a business error ends the request failed with its code and frees the amount; an unknown outcome keeps it submitting", async () => {
      const { payment, row } = await submitting("payses_l_fail", "30")
      // a second sender (the approval and the poller at once) sends nothing; only a re-drive gets the row
      expect(await w().beginSubmission(row.id)).toBeNull()
      expect((await w().beginSubmission(row.id, { redrive: true }))?.withdrawal.status).toBe("submitting")
      const unknown = await w().recordSubmission(row.id, { kind: "unknown", message: "timeout, lookup failed" })
      expect(unknown.withdrawal.status).toBe("submitting")
      const failed = await w().recordSubmission(row.id, { kind: "refused", code: "120402", message: "insufficient" })
      expect(failed.withdrawal).toMatchObject({ status: "failed", failure_code: "120402", failure_reason: expect.stringMatching(/^the paying WaaS account does not hold enough/) })
      expect(failed.events).toEqual(["waas.withdrawal.failed"])
      // all 30 USD are refundable again
      const again = await w().request({ source: "payment", crypto_payment_id: payment.id, fiat_amount: "30", rate_basis: "locked", reason: "again", requested_by: "user_a", destination: DEST })
      expect(again.withdrawal.status).toBe("requested")
      const actions = (await w().audit(row.id)).map((a) => a.action)
      expect(actions.slice(-3)).toEqual(["submission_started", "submission_outcome_unknown", "failed"])
    })

    it("the WaaS's reports move it forward only; final is sticky; a record that differs from what we sent is never applied", async () => {
      const { row } = await submitting("payses_l_walk")
      const mismatch = await w().applyRecord(record(row, { amount: "999", status: 5 }), "poll")
      expect(mismatch?.withdrawal.status).toBe("submitting")
      expect((await w().audit(row.id)).map((a) => a.action)).toContain("waas_record_mismatch")
      const s0 = await w().applyRecord(record(row), "callback")
      expect(s0).toMatchObject({ before: "submitting", withdrawal: { status: "submitted", waas_withdrawal_id: "77", waas_status: 0 }, events: ["waas.withdrawal.submitted"] })
      const s3 = await w().applyRecord(record(row, { status: 3, txid: "0xabc" }), "poll")
      expect(s3?.withdrawal).toMatchObject({ status: "submitted", txid: "0xabc", waas_status: 3 })
      const s5 = await w().applyRecord(record(row, { status: 5, txid: "0xabc", confirmations: 12, withdraw_fee: "3", real_fee: "0.0012" }), "callback")
      expect(s5).toMatchObject({ withdrawal: { status: "completed", confirmations: 12, withdraw_fee: "3", withdraw_fee_symbol: "USDTERC20", real_fee: "0.0012", fee_symbol: "ETH" }, events: ["waas.withdrawal.completed"] })
      const late = await w().applyRecord(record(row, { status: 4 }), "poll")
      expect(late).toMatchObject({ withdrawal: { status: "completed" }, events: [] })
      expect(await w().applyRecord(record(row, { request_id: "wreq_someone_else" }), "poll")).toBeNull()
    })

    it("the second confirmation: only the submitting row with equal fields gets the sealed check_sum", async () => {
      const { row } = await submitting("payses_l_confirm")
      const req = { request_id: row.request_id, from_uid: 4242, to_address: DEST.address, amount: row.amount, symbol: "USDTERC20", check_sum: "0123abcd" }
      const yes = await w().answerConfirmation(req)
      expect(yes.confirmed).toBe(true)
      if (!yes.confirmed) return
      expect(yes.answer.contentType).toBe("application/json")
      expect(openConfirmationAnswer(yes.answer.body, MERCHANT_KEYS.publicKey)).toBe("0123abcd")
      expect(await w().answerConfirmation({ ...req, amount: `${row.amount}1` })).toMatchObject({ confirmed: false, reason: expect.stringMatching(/differs .* in amount/) })
      await w().recordSubmission(row.id, { kind: "accepted", waas_withdrawal_id: "78", withdraw_type: 1, status: 0, attempts: 1 })
      expect(await w().answerConfirmation(req)).toMatchObject({ confirmed: false, reason: "the withdrawal is submitted, not being submitted" })
    })

    it("the Medusa refund claim: only a completed, unrecorded withdrawal of that session with that amount, and only once", async () => {
      const { row } = await submitting("payses_l_claim")
      const claim = (refund_id: string, amount = "10") => w().medusaRefunds.claim({ payment_session_id: "payses_l_claim", amount, refund_id })
      expect(await claim("ref_early")).toBeNull()
      await w().recordSubmission(row.id, { kind: "accepted", waas_withdrawal_id: "79", withdraw_type: 2, status: 0, attempts: 1 })
      expect((await w().retrieve(row.id)).status).toBe("completed")
      expect(await claim("ref_wrong_amount", "9.99")).toBeNull()
      const results = await Promise.all(["ref_1", "ref_2", "ref_3"].map((id) => claim(id)))
      expect(results.filter(Boolean)).toHaveLength(1)
      expect(await w().medusaRefunds.due("payses_l_claim")).toHaveLength(1)
      const claimed = await w().retrieve(row.id)
      expect(await w().medusaRefunds.markRecorded(claimed)).toBe(true)
      expect(await w().medusaRefunds.markRecorded(claimed)).toBe(false)
      expect(await w().medusaRefunds.due("payses_l_claim")).toHaveLength(0)
      expect(await claim("ref_4")).toBeNull()
    })
  },
})
