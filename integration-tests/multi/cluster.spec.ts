import fs from "node:fs"
import path from "node:path"
import { Cluster } from "./support/cluster"
import { checkoutsAcrossServers, paymentTotals, sum, waitFor, type Checkout } from "./support/shop"

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

beforeAll(async () => {
  await cluster.start({ poolBatchSize: POOL, servers: 2 })
})

afterAll(async () => {
  await cluster.stop()
})

async function payAll(checkouts: Checkout[]): Promise<number[]> {
  return checkouts.map((c) => {
    const d = cluster.sim.control.chainDeposit({ address: c.address, amount: c.amountDue, symbol: "USDTERC20" })
    cluster.sim.control.confirmDeposit(d.id, d.requiredConfirmations)
    return d.id
  })
}

async function allPaid(checkouts: Checkout[], timeoutMs = 180_000) {
  const ids = checkouts.map((c) => c.sessionId)
  return waitFor(
    `${checkouts.length} orders paid and captured`,
    async () => {
      const t = await paymentTotals(cluster, ids)
      return Number(t.ledger.paid) === checkouts.length && Number(t.medusa.captured) === checkouts.length ? t : null
    },
    timeoutMs,
  ).catch(async (e) => {
    throw new Error(`${(e as Error).message}\n${JSON.stringify(await paymentTotals(cluster, ids))}\n${await cluster.logs()}`)
  })
}

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
    const shared = await cluster.rows(
      `SELECT address, count(*) FROM waas_crypto_payment WHERE status NOT IN ('canceled', 'expired') GROUP BY address HAVING count(*) > 1`,
    )
    expect(shared).toEqual([])
    const held = await cluster.rows(`SELECT crypto_payment_id, count(*) FROM waas_pool_address WHERE crypto_payment_id IS NOT NULL GROUP BY crypto_payment_id HAVING count(*) > 1`)
    expect(held).toEqual([])
  })

  it("credits every deposit once and pays every order once, with duplicated callbacks delivered round robin and concurrently", async () => {
    // every send goes out as three concurrent copies, each to the next server behind the balancer
    cluster.sim.control.setFaults({ notify: { duplicate: { copies: 3 } } })
    const depositIds = await payAll(paid)
    const totals = await allPaid(paid)
    cluster.sim.control.clearFaults()

    // and then the WaaS delivers each notification again, all at once (a retry storm)
    const notifications = cluster.sim.control.notifications().filter((n) => n.side === "deposit" && depositIds.includes(n.recordId))
    expect(notifications).toHaveLength(paid.length)
    const again = await Promise.all(notifications.flatMap((n) => [cluster.sim.control.redeliver(n.id), cluster.sim.control.redeliver(n.id)]))
    expect(again.every((a) => a.acknowledged)).toBe(true)
    await waitFor("the inbox to settle", async () => {
      const [r] = await cluster.rows<{ open: string }>(
        `SELECT count(*) AS open FROM waas_callback_inbox WHERE side = 'deposit' AND (processed_count < received_count OR processing_until IS NOT NULL)`,
      )
      return Number(r.open) === 0
    })

    const after = await paymentTotals(cluster, paid.map((c) => c.sessionId))
    expect(after).toEqual(totals)
    expect(after.ledger).toEqual({
      payments: "12",
      paid: "12",
      deposits: "12",
      credits: "12",
      credited: sum(paid.map((c) => c.amountDue)),
      duplicate_credits: "0",
    })
    expect(after.medusa).toEqual({
      payments: "12",
      captured: "12",
      captures: "12",
      captured_total: sum(paid.map((c) => c.total)),
      collections_with_two: "0",
    })
    // both servers took callbacks
    const counts = cluster.lb.counts()
    for (const server of cluster.servers()) expect(counts[server.port]?.forwarded).toBeGreaterThan(5)
  })

  it("refill jobs run at once in three processes never double-register WaaS users", async () => {
    const poolUsers = () => cluster.sim.control.getState().users.filter((u) => u.email.endsWith("@waas-pool.invalid"))
    const before = poolUsers().length
    const availableBefore = await cluster.rows<{ symbol: string; n: string }>(
      `SELECT symbol, count(*) FILTER (WHERE status = 'available') AS n FROM waas_pool_address GROUP BY symbol`,
    )
    const missing = availableBefore.reduce((a, r) => a + Math.max(0, POOL - Number(r.n)), 0)
    // the USDT pool was emptied by the 12 checkouts
    expect(availableBefore.find((r) => r.symbol === "USDTERC20")?.n).toBe("0")
    // two more Medusa processes run the refill job twice each, at the same moment, beside the worker's schedule
    const reports = (await jobsInTwoProcesses("refill")) as Array<{ skipped?: string; coins?: Array<{ symbol: string; added: number }> }>
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
    await payAll(lost)
    const reports = (await jobsInTwoProcesses("poll")) as Array<{ skipped?: string; sync: { records: number } }>
    const totals = await allPaid(lost)
    cluster.sim.control.clearFaults()
    // six runs released together in two processes, beside the worker's own: the advisory lock lets one poll at a time
    expect(reports.filter((r) => r.skipped === "another instance is polling").length).toBeGreaterThan(0)
    expect(totals.ledger).toEqual({
      payments: "4",
      paid: "4",
      deposits: "4",
      credits: "4",
      credited: sum(lost.map((c) => c.amountDue)),
      duplicate_credits: "0",
    })
    expect(totals.medusa).toEqual({ payments: "4", captured: "4", captures: "4", captured_total: sum(lost.map((c) => c.total)), collections_with_two: "0" })
    paid.push(...lost)
  })

  it("a worker killed (SIGKILL) while it processes callbacks: another worker finishes them, nothing lost, nothing twice", async () => {
    const batch = await checkoutsAcrossServers(cluster, 4)
    // the worker pulls each deposit from the WaaS before applying it: hold those calls so it is caught in the middle
    cluster.sim.control.setFaults({ endpoints: { depositList: { hang: { ms: 120_000 } } } })
    await payAll(batch)
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
    const totals = await allPaid(batch, 300_000)
    expect(totals.ledger).toEqual({
      payments: "4",
      paid: "4",
      deposits: "4",
      credits: "4",
      credited: sum(batch.map((c) => c.amountDue)),
      duplicate_credits: "0",
    })
    expect(totals.medusa).toEqual({ payments: "4", captured: "4", captures: "4", captured_total: sum(batch.map((c) => c.total)), collections_with_two: "0" })
    paid.push(...batch)

    const all = await paymentTotals(cluster, paid.map((c) => c.sessionId))
    expect(all.ledger.credits).toBe(String(paid.length))
    expect(all.ledger.credited).toBe(sum(paid.map((c) => c.amountDue)))
    expect(all.medusa.captured_total).toBe(sum(paid.map((c) => c.total)))
  })

  it("a withdrawal approved on two servers at once is submitted to the WaaS once and recorded in Medusa once", async () => {
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

/** `medusa exec run-jobs.ts` in two processes, released at the same moment once both have booted */
async function jobsInTwoProcesses(kind: "refill" | "poll"): Promise<unknown[]> {
  const outs = ["a", "b"].map((k) => path.join(cluster.workDir, `${kind}-${k}.json`))
  const go = path.join(cluster.workDir, `${kind}.go`)
  const runs = outs.map((out, i) =>
    cluster.exec(`${kind}-${i}`, "./integration-tests/multi/support/run-jobs.ts", { MULTI_JOBS: kind, MULTI_JOBS_RUNS: "2", MULTI_JOBS_OUT: out, MULTI_JOBS_GO: go }),
  )
  const failed = Promise.race(runs).then(() => new Promise<never>(() => undefined))
  await Promise.race([waitFor("both job processes to boot", async () => outs.every((o) => fs.existsSync(`${o}.ready`)), 300_000, 100), failed])
  fs.writeFileSync(go, "")
  await Promise.all(runs)
  return outs.flatMap((out) => JSON.parse(fs.readFileSync(out, "utf8")) as unknown[])
}

async function adminLogin(baseUrl: string, who: { email: string; password: string }): Promise<Record<string, string>> {
  const response = await fetch(`${baseUrl}/auth/user/emailpass`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(who) })
  const body = (await response.json()) as { token?: string }
  if (!response.ok || !body.token) throw new Error(`admin login of ${who.email} failed with ${response.status}`)
  return { authorization: `Bearer ${body.token}` }
}

async function adminJson<T>(baseUrl: string, headers: Record<string, string>, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined && { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const answer = await response.json()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`)
  return answer as T
}
