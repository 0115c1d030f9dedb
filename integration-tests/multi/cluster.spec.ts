import { adminJson, adminLogin } from "./support/admin"
import { Cluster } from "./support/cluster"
import { REFILL_LOCK_KEY } from "../../src/modules/waas/pool/pool-upkeep"
import { holdAdvisoryLock, redisInteger, type Hold } from "./support/holds"
import { jobsInTwoProcesses } from "./support/jobs"
import { addressesShared, allPaid, inboxSettled, paidOnce, payAll, paymentTotals } from "./support/payments"
import { parkCompletion, parkSessionClaim } from "./support/server-kill"
import { type Checkout, checkoutOf, checkoutsAcrossServers, completeOnServer, conflictsSeen, prepareCheckout, startSession, sum, waitFor } from "./support/shop"

/**
 * The production shape: one worker and two servers (`medusa start`) on one database, with Medusa's Redis event
 * bus, workflow engine, locking and cache; the WaaS simulator's callbacks reach the servers round robin through a
 * load balancer, with duplicates, concurrently. Every figure is read from the database at the end.
 * The its run in order and share the cluster (a boot of three processes costs a minute on 2 cores).
 */
jest.setTimeout(600_000)

/** each coin's pool watermark and batch: the 12 concurrent checkouts take the whole USDT pool, none waits on a live fetch */
const POOL = 12
const cluster = new Cluster()
const paid: Checkout[] = []

/**
 * The tests share the cluster's state; what one leaves that a later one builds on is named here, and the later one
 * fails at once saying which earlier test did not leave it (instead of failing on figures that are not its own).
 */
const TWELVE_CHECKOUTS = "checkouts spread over the servers… (12 orders placed, the USDT pool emptied)"
const TWELVE_PAID = "credits every deposit once… (those 12 orders paid)"
const left = new Set<string>()
function needs(...earlier: string[]): void {
  const missing = earlier.filter((e) => !left.has(e))
  if (missing.length) throw new Error(`this test builds on what an earlier test leaves, and it did not: ${missing.map((m) => `"${m}"`).join(", ")}`)
}

/**
 * The refill's advisory lock, held by the test from the start until the refill test releases its four runs: the
 * worker's own refill runs on the clock (every 5 minutes) and, ticking after the 12 checkouts, would refill the
 * pool before that test and leave the four runs nothing to race on. Held, each tick skips.
 */
let refillHold: Hold | null = null

beforeAll(async () => {
  await cluster.start({ poolBatchSize: POOL, servers: 2 })
  refillHold = await holdAdvisoryLock(cluster, REFILL_LOCK_KEY)
})

afterAll(async () => {
  // the 409s the storefront absorbed (each checked to be a lock timeout of Medusa's on a cart still open)
  console.log(`completion conflicts absorbed: ${JSON.stringify(conflictsSeen)}`)
  await refillHold?.release()
  await cluster.stop()
})

describe("several Medusa instances on Redis", () => {
  it("runs one worker and two servers on one database, and only the worker runs the plugin's jobs", async () => {
    expect(cluster.workers()).toHaveLength(1)
    expect(cluster.servers()).toHaveLength(2)
    // the seed's refill filled the pool; each server answers the store API on its own port
    const [{ n }] = await cluster.rows<{ n: string }>(`SELECT count(*) AS n FROM waas_pool_address WHERE symbol = 'USDTERC20' AND status = 'available'`)
    expect(Number(n)).toBe(POOL)
  })

  it("checkouts spread over the servers, at the same time, never share an address", async () => {
    const checkouts = await checkoutsAcrossServers(cluster, 12)
    paid.push(...checkouts)
    expect(new Set(checkouts.map((c) => c.server)).size).toBe(2)
    expect(new Set(checkouts.map((c) => c.address)).size).toBe(12)
    expect(await addressesShared(cluster)).toEqual({ shared: [], held: [] })
    left.add(TWELVE_CHECKOUTS)
  })

  it("credits every deposit once and pays every order once, with duplicated callbacks delivered round robin and concurrently", async () => {
    needs(TWELVE_CHECKOUTS)
    // every send goes out as three concurrent copies, each to the next server behind the balancer
    cluster.sim.control.setFaults({ notify: { duplicate: { copies: 3 } } })
    const depositIds = payAll(cluster, paid)
    const totals = await allPaid(cluster, paid)
    cluster.sim.control.clearFaults()

    // and then the WaaS delivers each notification again, all at once (a retry storm)
    const notifications = cluster.sim.control.notifications().filter((n) => n.side === "deposit" && depositIds.includes(n.recordId))
    expect(notifications).toHaveLength(paid.length)
    const again = await Promise.all(notifications.flatMap((n) => [cluster.sim.control.redeliver(n.id), cluster.sim.control.redeliver(n.id)]))
    expect(again.every((a) => a.acknowledged)).toBe(true)
    await inboxSettled(cluster)

    const after = await paymentTotals(cluster, paid.map((c) => c.sessionId))
    expect(after).toEqual(totals)
    expect(after).toEqual(paidOnce(paid))
    expect(paid).toHaveLength(12)
    // both servers took callbacks
    const counts = cluster.lb.counts()
    for (const server of cluster.servers()) expect(counts[server.port]?.forwarded).toBeGreaterThan(5)
    left.add(TWELVE_PAID)
  })

  it("refill jobs run at once in three processes never double-register WaaS users", async () => {
    needs(TWELVE_CHECKOUTS)
    const poolUsers = () => cluster.sim.control.getState().users.filter((u) => u.email.endsWith("@waas-pool.invalid"))
    const before = poolUsers().length
    const availableBefore = await cluster.rows<{ symbol: string; n: string }>(
      `SELECT symbol, count(*) FILTER (WHERE status = 'available') AS n FROM waas_pool_address GROUP BY symbol`,
    )
    const missing = availableBefore.reduce((a, r) => a + Math.max(0, POOL - Number(r.n)), 0)
    // the USDT pool was emptied by the 12 checkouts (and the worker's schedule held off since: refillHold)
    expect(availableBefore.find((r) => r.symbol === "USDTERC20")?.n).toBe("0")
    // two more Medusa processes run the refill job twice each, at the same moment, beside the worker's schedule
    const release = async () => {
      await refillHold?.release()
      refillHold = null
    }
    const reports = (await jobsInTwoProcesses(cluster, "refill", release)) as Array<{ skipped?: string; coins?: Array<{ symbol: string; added: number }> }>
    // four runs released together (and the worker's own schedule, which may tick meanwhile): one at a time holds the lock
    expect(reports.filter((r) => r.skipped === "another refill run holds the lock").length).toBeGreaterThan(0)

    const users = poolUsers()
    const [db] = await cluster.rows<{ accounts: string; uids: string; emails: string; below: string }>(
      `SELECT (SELECT count(*) FROM waas_account) AS accounts,
              (SELECT count(DISTINCT uid) FROM waas_account) AS uids,
              (SELECT count(DISTINCT email) FROM waas_account) AS emails,
              (SELECT count(*) FROM (SELECT symbol FROM waas_pool_address GROUP BY symbol
                                      HAVING count(*) FILTER (WHERE status = 'available') <> ${POOL}) x) AS below`,
    )
    // every user the WaaS registered is one account here, under its own email; none registered twice
    expect(new Set(users.map((u) => u.email)).size).toBe(users.length)
    expect(Number(db.accounts)).toBe(users.length)
    expect(Number(db.uids)).toBe(users.length)
    expect(Number(db.emails)).toBe(users.length)
    // every pool refilled to its watermark once, whichever process ran it: one new WaaS user per missing address
    expect(users.length - before).toBe(missing)
    expect(missing).toBeGreaterThanOrEqual(POOL)
    expect(db.below).toBe("0")
  })

  it("pollers run at once in three processes never double-apply a page", async () => {
    // the callbacks are lost: only the pollers (the worker's, and two more processes') find these deposits
    const lost = await checkoutsAcrossServers(cluster, 4)
    cluster.sim.control.setFaults({ notify: { drop: {} } })
    payAll(cluster, lost)
    const reports = (await jobsInTwoProcesses(cluster, "poll")) as Array<{ skipped?: string; sync: { records: number } }>
    const totals = await allPaid(cluster, lost)
    cluster.sim.control.clearFaults()
    // six runs released together in two processes, beside the worker's own: the advisory lock lets one poll at a time
    expect(reports.filter((r) => r.skipped === "another instance is polling").length).toBeGreaterThan(0)
    expect(totals).toEqual(paidOnce(lost))
    paid.push(...lost)
  })

  it("a worker killed (SIGKILL) while it processes callbacks: another worker finishes them, nothing lost, nothing twice", async () => {
    const batch = await checkoutsAcrossServers(cluster, 4)
    // the worker pulls each deposit from the WaaS before applying it: hold those calls so it is caught in the middle
    cluster.sim.control.setFaults({ endpoints: { depositList: { hang: { ms: 120_000 } } } })
    payAll(cluster, batch)
    const sessions = batch.map((c) => c.sessionId)
    await waitFor("the worker to hold the callbacks (claimed, lease taken)", async () => {
      const [held] = await cluster.rows<{ n: string }>(
        `SELECT count(*) AS n FROM waas_callback_inbox WHERE side = 'deposit' AND processing_until IS NOT NULL AND processed_count < received_count`,
      )
      return Number(held.n) >= 1
    })
    const [worker] = cluster.workers()
    await cluster.kill(worker)
    cluster.sim.control.clearFaults()
    const [{ credits }] = await cluster.rows<{ credits: string }>(
      `SELECT count(*) AS credits FROM waas_deposit_credit c JOIN waas_crypto_payment p ON p.id = c.crypto_payment_id WHERE p.payment_session_id = ANY($1)`,
      [sessions],
    )
    expect(credits).toBe("0")

    await cluster.startInstance("worker")
    const totals = await allPaid(cluster, batch, 300_000)
    expect(totals).toEqual(paidOnce(batch))
    paid.push(...batch)

    // and every order paid so far, the first 12 included
    needs(TWELVE_PAID)
    const all = await paymentTotals(cluster, paid.map((c) => c.sessionId))
    expect(all.ledger.credits).toBe(String(paid.length))
    expect(all.ledger.credited).toBe(sum(paid.map((c) => c.amountDue)))
    expect(all.medusa.captured_total).toBe(sum(paid.map((c) => c.total)))
  })

  it("a server killed (SIGKILL) mid-request: its checkouts finish on another server, its callbacks are recovered, nothing twice", async () => {
    const victim = await cluster.startInstance("server")
    // three whole checkouts, one on each server, the victim's among them; their deposits come below
    const before = await checkoutsAcrossServers(cluster, 3)
    expect(before.map((c) => c.server)).toContain(victim.name)
    // on the victim: A's payment session is being created (parked in the plugin's address claim), and B's cart
    // is being completed (parked after Medusa wrote B's order, before it marks the cart completed)
    const a = await prepareCheckout(cluster, victim)
    const claimA = await parkSessionClaim(cluster, victim, a)
    const b = await prepareCheckout(cluster, victim)
    const sessionB = await startSession(cluster, victim, b)
    const completionB = await parkCompletion(cluster, victim, b)
    // the victim stops answering; the three deposits are notified round robin, so one of them reaches it
    cluster.pause(victim)
    const depositIds = payAll(cluster, before)
    await waitFor("a notification in flight on the victim", async () => (cluster.lb.counts()[victim.port]?.open ?? 0) >= 1)

    await cluster.kill(victim)
    await expect(claimA.request).rejects.toThrow()
    await expect(completionB.request).rejects.toThrow()
    await waitFor("the balancer to see the victim's requests fail", async () => {
      const count = cluster.lb.counts()[victim.port]
      return count.open === 0 && count.failed >= 1
    })
    const unanswered = cluster.sim.control.notifications().filter((n) => depositIds.includes(n.recordId) && !n.acknowledged)
    expect(unanswered.length).toBeGreaterThanOrEqual(1)
    // the dead completion's cart lock (Medusa's, in Redis) outlives it until its TTL (2 minutes)
    expect(await redisInteger(cluster.redisUrl, "PTTL", `medusa_lock:${b.cart.id}`)).toBeGreaterThan(0)
    // the test moves that clock on instead of waiting out the two minutes: the lock is left 5 s to live, so
    // B's completion below still meets it and has to wait for it to expire
    expect(await redisInteger(cluster.redisUrl, "PEXPIRE", `medusa_lock:${b.cart.id}`, "5000")).toBe(1)
    await claimA.hold.release()
    await completionB.hold.release()

    // the shoppers go on against the survivors: A starts its payment again; both place their orders
    const [s1, s2] = cluster.servers()
    const sessionA = await startSession(cluster, s1, a)
    // B's completion waits (or answers 409) while the dead server's cart lock lives
    const [placedA, placedB] = await Promise.all([completeOnServer(cluster, s1, a.cart.id), completeOnServer(cluster, s2, b.cart.id)])
    // B's order is the one the dead server wrote: the cart has that one order, with its one payment session
    expect(placedB.data.order.id).toBe(completionB.orderId)
    const [orders] = await cluster.rows<{ a: string; b: string }>(
      `SELECT count(*) FILTER (WHERE cart_id = $1) AS a, count(*) FILTER (WHERE cart_id = $2) AS b FROM order_cart WHERE deleted_at IS NULL`,
      [a.cart.id, b.cart.id],
    )
    expect(orders).toEqual({ a: "1", b: "1" })
    const after = await Promise.all([checkoutOf(cluster, s1, a, sessionA, placedA), checkoutOf(cluster, s2, b, sessionB, placedB)])
    const depositIdsAfter = payAll(cluster, after)

    // the deposit the victim never answered is found by the poller (or the WaaS's retry); every order paid once
    const batch = [...before, ...after]
    const totals = await allPaid(cluster, batch, 300_000)
    expect(totals).toEqual(paidOnce(batch))
    // the WaaS delivers every notification of the batch again: all acknowledged now, nothing changes
    const notes = cluster.sim.control.notifications().filter((n) => n.side === "deposit" && [...depositIds, ...depositIdsAfter].includes(n.recordId))
    expect(notes).toHaveLength(batch.length)
    const again = await Promise.all(notes.map((n) => cluster.sim.control.redeliver(n.id)))
    expect(again.every((x) => x.acknowledged)).toBe(true)
    await inboxSettled(cluster)
    expect(await paymentTotals(cluster, batch.map((c) => c.sessionId))).toEqual(totals)

    // A's cart: one live payment, the dead claim left nothing behind; no address given to two live payments
    const [claims] = await cluster.rows<{ live: string }>(
      `SELECT count(*) AS live FROM waas_crypto_payment WHERE payment_collection_id = $1 AND status NOT IN ('canceled', 'expired')`,
      [a.paymentCollectionId],
    )
    expect(claims.live).toBe("1")
    expect(await addressesShared(cluster)).toEqual({ shared: [], held: [] })
    paid.push(...batch)
  })

  it("a withdrawal approved on two servers at once is submitted to the WaaS once and recorded in Medusa once", async () => {
    needs(TWELVE_PAID)
    const [a, b] = cluster.servers()
    const order = paid[0]
    const clerk = await adminLogin(a.url, cluster.admins.clerk)
    const approver = await adminLogin(b.url, cluster.admins.approver)
    const requested = await adminJson<{ withdrawal: { id: string } }>(a.url, clerk, "POST", "/admin/waas/withdrawals", {
      source: "payment",
      order_id: order.orderId,
      fiat_amount: "10",
      reason: "one item returned",
      destination: { address: "0x52908400098527886E0F7030069857D2E4169EE7" },
    })
    const id = requested.withdrawal.id
    const answers = await Promise.all(
      [a, b, a, b].map((server) => fetch(`${server.url}/admin/waas/withdrawals/${id}/approve`, { method: "POST", headers: approver })),
    )
    expect(answers.some((r) => r.status === 200)).toBe(true)
    const [row] = await cluster.rows<{ request_id: string; status: string }>(`SELECT request_id, status FROM waas_withdrawal WHERE id = $1`, [id])
    const sent = () => cluster.sim.control.getState().withdrawals.filter((w) => w.requestId === row.request_id)
    expect(sent()).toHaveLength(1)
    expect(cluster.sim.control.confirmations().filter((c) => c.requestId === row.request_id)).toHaveLength(1)

    // the WaaS pays it; its notification arrives three times at once, round robin
    cluster.sim.control.setFaults({ notify: { duplicate: { copies: 3 } } })
    cluster.sim.control.setWithdrawalOutcome(row.request_id, 5, { realFee: "0.00042" })
    await waitFor("the withdrawal to complete and Medusa to record the refund", async () => {
      const [w] = await cluster.rows<{ status: string; medusa_refunded_at: Date | null }>(`SELECT status, medusa_refunded_at FROM waas_withdrawal WHERE id = $1`, [id])
      return w.status === "completed" && w.medusa_refunded_at ? w : null
    }, 180_000)
    cluster.sim.control.clearFaults()
    const refunds = await cluster.rows<{ amount: string }>(
      `SELECT r.amount::text AS amount FROM refund r JOIN payment p ON p.id = r.payment_id
        WHERE p.payment_session_id = $1 AND r.deleted_at IS NULL`,
      [order.sessionId],
    )
    expect(refunds).toEqual([{ amount: "10" }])
    expect(sent()).toHaveLength(1)
    const audit = await cluster.rows<{ action: string; n: string }>(
      `SELECT action, count(*) AS n FROM waas_withdrawal_audit WHERE withdrawal_id = $1 GROUP BY action ORDER BY action`,
      [id],
    )
    // one approval recorded, one second confirmation confirmed, one Medusa refund recorded
    const count = (action: string) => audit.find((x) => x.action === action)?.n ?? "0"
    expect(count("approval")).toBe("1")
    expect(count("second_confirmation_confirmed")).toBe("1")
    expect(count("medusa_refund_recorded")).toBe("1")
  })
})
