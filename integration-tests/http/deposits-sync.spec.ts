import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import { useDepositStore } from "../helpers/deposit-store"
import { runWhenFree } from "../helpers/when-free"
import { z } from "@medusajs/framework/zod"
import { DepositEvents } from "../../src/modules/waas/deposits/outcome"
import { runDepositPoll } from "../../src/workflows/deposits/runners/run-deposit-poll"
import { inboxSettled, rows, waitFor, useDepositWaas } from "../helpers/deposits"

jest.setTimeout(180_000)

/**
 * Sync without repeats (issue 11, item 3), end to end: a deposit applied from its callback is passed over when the
 * sync reads it again; a new install's cursor starts after the highest deposit its ledger holds; the history below
 * it is applied only on an admin's request (POST /admin/waas/deposits/backfill), through the same deposit path.
 */
const REPO_ROOT = join(__dirname, "..", "..")
const ADMIN = { email: "backfill@example.com", password: randomBytes(12).toString("base64url") }

const depositWaas = useDepositWaas({ usdtPool: 6 })
const { sim } = depositWaas

const Backfill = z.object({
  backfill: z.object({
    pages: z.number(),
    records: z.number(),
    skipped: z.number(),
    parked: z.number(),
    failed: z.number(),
    after: z.string(),
    until: z.string(),
    next_after: z.string(),
    done: z.boolean(),
  }),
})

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: (suite) => {
    const { db, container, waas, baseUrl, payer, adminHeaders, eventsFor, placeOrder } = useDepositStore(suite, depositWaas, {
      admin: ADMIN,
      events: { names: Object.values(DepositEvents), subscriberPrefix: "deposits-sync-spec-" },
    })

    async function paymentOf(sessionId: string) {
      const p = await waas().retrievePaymentBySession(sessionId)
      if (!p) throw new Error(`no crypto payment for ${sessionId}`)
      return p
    }

    const depositRow = async (waasId: number) =>
      (await rows<{ status: string; last_source: string; updated_at: Date }>(
        db(),
        `SELECT status, last_source, updated_at FROM waas_deposit WHERE waas_deposit_id = ?`,
        [String(waasId)],
      ))[0]

    async function backfill(body: unknown, headers = adminHeaders()) {
      const response = await fetch(new URL("/admin/waas/deposits/backfill", baseUrl()), {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(body),
      })
      const text = await response.text()
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null }
    }

    /** pays with the notification dropped: only a sync (the poller's, or the backfill) can find the deposit */
    async function payLost(address: string, amount: string): Promise<number> {
      sim().control.setFaults({ notify: { drop: {} } })
      const id = payer().send(address, amount)
      await waitFor(`deposit ${id}'s notification to be dropped`, () => payer().deliveries(id).some((d) => d.dropped))
      sim().control.clearFaults()
      return id
    }

    it("a deposit credited from its callback is passed over by the next sync: not applied again, nothing announced", async () => {
      const { sessionId, payment } = await placeOrder()
      const depositId = payer().send(payment.address, payment.amount_due)
      await payer().acknowledged(depositId)
      await inboxSettled(db())
      await waitFor("the Medusa capture", async () => (await paymentOf(sessionId)).medusa_captured_at)
      const before = await depositRow(depositId)
      expect(before).toMatchObject({ status: "credited", last_source: "callback" })
      const announced = eventsFor(depositId).length

      const report = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(report.sync).toMatchObject({ records: 1, skipped: 1, failed: 0, parked: 0, cursor_to: String(depositId), caught_up: true })
      expect(report.errors).toEqual([])
      // no write at all: the row is as the callback left it
      expect(await depositRow(depositId)).toEqual(before)
      expect(eventsFor(depositId)).toHaveLength(announced)
      const [credits] = await rows<{ n: string }>(db(), `SELECT count(*) AS n FROM waas_deposit_credit WHERE waas_deposit_id = ?`, [String(depositId)])
      expect(credits.n).toBe("1")
    })

    it("a new install starts after its ledger's highest deposit; the history below is applied by the admin's backfill, once", async () => {
      const [a, b, c] = [await placeOrder(), await placeOrder(), await placeOrder()]
      const lostA = await payLost(a.payment.address, a.payment.amount_due)
      const lostB = await payLost(b.payment.address, b.payment.amount_due)
      const seen = payer().send(c.payment.address, c.payment.amount_due)
      await payer().acknowledged(seen)
      await inboxSettled(db())
      // as on an install whose cursor does not exist yet: the first poll creates it after the ledger's highest deposit
      await db().raw(`DELETE FROM waas_sync_cursor WHERE name = 'deposits'`)
      const first = await runWhenFree(() => runDepositPoll(container(), { force: true }))
      expect(first.sync).toMatchObject({ records: 0, cursor_from: String(seen), cursor_to: String(seen) })
      expect((await paymentOf(a.sessionId)).status).toBe("awaiting_payment")

      // bad input and no admin: refused, nothing done
      expect((await backfill({ after: "-1" })).status).toBe(400)
      expect((await backfill({ after: "0", max_pages: 0 })).status).toBe(400)
      expect((await backfill({ after: "0", everything: true })).status).toBe(400)
      expect((await backfill({ after: "0" }, {})).status).toBe(401)
      expect((await paymentOf(b.sessionId)).status).toBe("awaiting_payment")

      const from = String(lostA - 1)
      const answer = await backfill({ after: from, max_pages: 1 })
      expect(answer.status).toBe(200)
      const done = Backfill.parse(answer.body).backfill
      expect(done).toMatchObject({ after: from, until: String(seen), next_after: String(seen), done: true, failed: 0, parked: 0 })
      // A and B applied, C (credited from its callback) passed over
      expect(done).toMatchObject({ records: 3, skipped: 1 })
      for (const order of [a, b]) {
        expect(await paymentOf(order.sessionId)).toMatchObject({ status: "paid", amount_received: order.payment.amount_due })
      }
      expect(await depositRow(lostB)).toMatchObject({ status: "credited", last_source: "poll" })
      await waitFor("the Medusa captures", async () => (await paymentOf(b.sessionId)).medusa_captured_at && (await paymentOf(a.sessionId)).medusa_captured_at)

      // again: everything is passed over, the poller's cursor never moved
      const again = Backfill.parse((await backfill({ after: from })).body).backfill
      expect(again).toMatchObject({ records: 3, skipped: 3, done: true })
      const [cursor] = await rows<{ max_id: string }>(db(), `SELECT max_id FROM waas_sync_cursor WHERE name = 'deposits'`)
      expect(cursor.max_id).toBe(String(seen))
      const [ledger] = await rows<{ credits: string; doubles: string }>(
        db(),
        `SELECT (SELECT count(*) FROM waas_deposit_credit WHERE entry = 'credit') AS credits,
                (SELECT count(*) FROM (SELECT 1 FROM waas_deposit_credit GROUP BY waas_deposit_id, entry HAVING count(*) > 1) x) AS doubles`,
      )
      expect(ledger).toEqual({ credits: "3", doubles: "0" })
    })
  },
})
