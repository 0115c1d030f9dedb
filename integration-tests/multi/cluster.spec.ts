import { Cluster } from "./support/cluster"
import { checkout, checkoutsAcrossServers, paymentTotals, sum, waitFor, type Checkout } from "./support/shop"

/**
 * The production shape: one worker and two servers (`medusa start`) on one database, with Medusa's Redis event
 * bus, workflow engine, locking and cache; the WaaS simulator's callbacks reach the servers round robin through a
 * load balancer, with duplicates, concurrently. Every figure is read from the database at the end.
 * The its run in order and share the cluster (a boot of three processes costs a minute on 2 cores).
 */
jest.setTimeout(600_000)

const cluster = new Cluster()
const paid: Checkout[] = []

beforeAll(async () => {
  await cluster.start({ poolBatchSize: 10, servers: 2 })
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
    expect(Number(n)).toBe(10)
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
})

export { checkout }
