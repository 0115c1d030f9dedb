import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import type { DepositRecord } from "../../src/protocol"
import { rows } from "../helpers/deposits"
import { dayIn, reconcileDay, type BreakView } from "../helpers/reconciliation"
import { reconciliationStore, SYMBOL, useReconciliationWaas, ZONE } from "../helpers/reconciliation-store"

jest.setTimeout(300_000)

/**
 * Every break type, each produced by a simulator control (the WaaS's books moving without a word) or by a change
 * to our side, and reported once with the right type and both sides' values.
 */
const REPO_ROOT = join(__dirname, "..", "..")
const w = useReconciliationWaas()
const OTHER_ADDRESS = "0x" + "ab".repeat(20)

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: (ctx) => {
    const s = reconciliationStore(ctx, w)
    const today = () => dayIn(ZONE, new Date())
    const summary = (bs: BreakView[]) => bs.map((b) => [b.type, b.kind, b.waas_id ?? b.ledger_id, b.status]).sort()

    it("WaaS ↔ ledger: missing_at_waas, status, symbol and address mismatches, a duplicate (never healed), each once with both values", async () => {
      const [gone, failed, renamed, moved, doubled] = [await s.paidOrder(), await s.paidOrder(), await s.paidOrder(), await s.paidOrder(), await s.paidOrder()]
      const c = w.sim().control
      c.dropRecord("deposit", gone.depositId, "all")
      c.editRecord("deposit", failed.depositId, { status: 2 })
      c.editRecord("deposit", renamed.depositId, { symbol: "ETH" })
      c.editRecord("deposit", moved.depositId, { address_to: OTHER_ADDRESS })
      const original = c.getState().deposits.find((d) => d.id === doubled.depositId)!
      const twin = c.quietDeposit({ address: original.addressTo, amount: original.amount, symbol: SYMBOL, txid: original.txid, allowDuplicateTxid: true })
      const before = await s.ledger()

      const { run, breaks } = await reconcileDay(s.admin, today())
      expect(run.status).toBe("breaks")
      expect(summary(breaks)).toEqual(
        [
          ["missing_at_waas", "deposit", String(gone.depositId), "open"],
          ["status_mismatch", "deposit", String(failed.depositId), "open"],
          ["symbol_mismatch", "deposit", String(renamed.depositId), "open"],
          ["address_mismatch", "deposit", String(moved.depositId), "open"],
          ["duplicate", "deposit", String(twin.id), "open"],
          // a second record of one chain transaction: never credited by the reconciliation
          ["missing_in_ledger", "deposit", String(twin.id), "open"],
        ].sort(),
      )
      const of = (type: string, id: number) => breaks.find((b) => b.type === type && b.waas_id === String(id))!
      expect(of("missing_at_waas", gone.depositId)).toMatchObject({ waas_value: null, ledger_value: { amount: gone.payment.amount_due, status: "credited" }, order_id: gone.orderId })
      expect(of("status_mismatch", failed.depositId)).toMatchObject({ waas_value: { status: 2 }, ledger_value: { status: "credited", waas_status: 1 } })
      expect(of("symbol_mismatch", renamed.depositId)).toMatchObject({ waas_value: { symbol: "ETH" }, ledger_value: { symbol: SYMBOL } })
      expect(of("address_mismatch", moved.depositId)).toMatchObject({ waas_value: { address_to: OTHER_ADDRESS }, ledger_value: { address_to: moved.payment.address } })
      expect(of("duplicate", twin.id)).toMatchObject({ waas_value: { duplicate_of: String(doubled.depositId), txid: original.txid }, ledger_value: null })
      // nothing healed, nothing changed in the ledger: these wait for an admin
      expect(await s.ledger()).toEqual(before)
      const filtered = await s.admin("GET", `/admin/waas/reconciliation/runs/${run.id}/breaks?type=duplicate&kind=deposit&status=open&coin=${SYMBOL}`)
      expect(filtered.body).toMatchObject({ count: 1, breaks: [{ type: "duplicate", waas_id: String(twin.id) }] })
      expect((await s.admin("GET", `/admin/waas/reconciliation/runs/${run.id}/breaks?type=nonsense`)).status).toBe(400)
    })

    it("a withdrawal's fee, and ledger ↔ Medusa: credited_not_captured (healed), captured_without_credit, a fiat amount_mismatch, a withdrawal without its refund and a refund without its withdrawal", async () => {
      const refundedOrder = await s.paidOrder()
      const refund = await s.refunded(refundedOrder.orderId, "10")
      const repriced = await s.paidOrder()
      const unpaid = await s.paidOrder()
      const uncaptured = await s.placeOrder()
      const c = w.sim().control

      // the WaaS reports another miner fee than it told us
      c.editRecord("withdrawal", Number(refund.waasId), { real_fee: "0.0015" })
      // our side: the ledger thinks 30 USD were due; the ledger no longer thinks the payment paid; the refund's Medusa id lost
      await s.db().raw(`UPDATE waas_crypto_payment SET fiat_amount = 30 WHERE id = ?`, [repriced.cryptoPayment.id])
      await s.db().raw(`UPDATE waas_crypto_payment SET status = 'underpaid' WHERE id = ?`, [unpaid.cryptoPayment.id])
      const [medusaRefund] = await rows<{ medusa_refund_id: string }>(s.db(), `SELECT medusa_refund_id FROM waas_withdrawal WHERE id = ?`, [refund.withdrawalId])
      await s.db().raw(`UPDATE waas_withdrawal SET medusa_refund_id = 'refund_lost' WHERE id = ?`, [refund.withdrawalId])
      // a deposit credited in the ledger whose Medusa capture never happened
      const quiet = c.quietDeposit({ address: uncaptured.payment.address, amount: uncaptured.payment.amount_due, symbol: SYMBOL })
      const record: DepositRecord = {
        id: quiet.id, uid: quiet.uid, symbol: quiet.symbol, amount: quiet.amount, address_from: "", address_to: quiet.addressTo,
        txid: quiet.txid, confirmations: quiet.confirmations, status: quiet.status, created_at: quiet.createdAt, updated_at: quiet.updatedAt,
      }
      await s.waas().applyDeposit(record, "poll")
      const settled = await s.waas().retrievePaymentBySession(uncaptured.sessionId)
      expect(settled).toMatchObject({ status: "paid", medusa_captured_at: null })

      const { run, breaks } = await reconcileDay(s.admin, today())
      expect(summary(breaks)).toEqual(
        [
          ["fee_mismatch", "withdrawal", refund.waasId, "open"],
          ["withdrawal_without_refund", "withdrawal", refund.waasId, "open"],
          ["refund_without_withdrawal", "payment", refundedOrder.cryptoPayment.id, "open"],
          ["amount_mismatch", "payment", repriced.cryptoPayment.id, "open"],
          ["captured_without_credit", "payment", unpaid.cryptoPayment.id, "open"],
          ["credited_not_captured", "payment", settled!.id, "healed"],
        ].sort(),
      )
      const of = (type: string) => breaks.find((b) => b.type === type)!
      expect(of("fee_mismatch")).toMatchObject({ waas_value: { real_fee: "0.0015", withdraw_fee: "3" }, ledger_value: { real_fee: "0.0012", withdraw_fee: "3" } })
      expect(of("withdrawal_without_refund")).toMatchObject({ ledger_value: { status: "completed", medusa_refund_id: "refund_lost" }, order_id: refundedOrder.orderId })
      expect(of("refund_without_withdrawal")).toMatchObject({ medusa_value: { refund_id: medusaRefund.medusa_refund_id, amount: "10", currency_code: "usd" } })
      expect(of("amount_mismatch")).toMatchObject({ ledger_value: { fiat_amount: "30" }, medusa_value: { captured_amount: "34.99" } })
      expect(of("captured_without_credit")).toMatchObject({ ledger_value: { status: "underpaid" }, medusa_value: { captured_amount: "34.99" } })
      expect(of("credited_not_captured")).toMatchObject({ ledger_value: { status: "paid" }, medusa_value: { captured_at: null } })
      expect(of("credited_not_captured").healed_action).toContain("captured")
      expect(run.break_counts).toMatchObject({ total: 6, healed: 1, open: 5 })
      // the re-driven capture paid the order in Medusa
      expect((await s.captured(uncaptured.sessionId)).medusa_captured_at).toBeTruthy()
    })
  },
})
