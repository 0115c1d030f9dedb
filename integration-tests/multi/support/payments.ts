import Decimal from "decimal.js"
import type { Cluster } from "./cluster"
import { type Checkout, sum, waitFor } from "./shop"

/** addresses given to two live payments, and payments holding two pool addresses: both must be empty */
export async function addressesShared(cluster: Cluster): Promise<{ shared: unknown[]; held: unknown[] }> {
  const shared = await cluster.rows(
    `SELECT address, count(*) FROM waas_crypto_payment WHERE status NOT IN ('canceled', 'expired') GROUP BY address HAVING count(*) > 1`,
  )
  const held = await cluster.rows(`SELECT crypto_payment_id, count(*) FROM waas_pool_address WHERE crypto_payment_id IS NOT NULL GROUP BY crypto_payment_id HAVING count(*) > 1`)
  return { shared, held }
}

/** until every deposit callback recorded has been processed and no lease is held */
export async function inboxSettled(cluster: Cluster): Promise<void> {
  await waitFor("the inbox to settle", async () => {
    const [r] = await cluster.rows<{ open: string }>(
      `SELECT count(*) AS open FROM waas_callback_inbox WHERE side = 'deposit' AND (processed_count < received_count OR processing_until IS NOT NULL)`,
    )
    return Number(r.open) === 0
  })
}

/** what paymentTotals says of checkouts each paid once, exactly: one deposit, one credit, one Medusa payment captured once */
export function paidOnce(checkouts: Checkout[]) {
  const n = String(checkouts.length)
  return {
    ledger: { payments: n, paid: n, deposits: n, credits: n, credited: sum(checkouts.map((c) => c.amountDue)), duplicate_credits: "0" },
    medusa: { payments: n, captured: n, captures: n, captured_total: sum(checkouts.map((c) => c.total)), collections_with_two: "0" },
  }
}

/** the shopper of each checkout pays exactly what is due, in one transfer, confirmed at once; the WaaS deposit ids */
export function payAll(cluster: Cluster, checkouts: Checkout[]): number[] {
  return checkouts.map((c) => {
    const d = cluster.sim.control.chainDeposit({ address: c.address, amount: c.amountDue, symbol: "USDTERC20" })
    cluster.sim.control.confirmDeposit(d.id, d.requiredConfirmations)
    return d.id
  })
}

/** until every checkout's crypto payment is paid and its Medusa payment captured; the totals then */
export async function allPaid(cluster: Cluster, checkouts: Checkout[], timeoutMs = 180_000) {
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

/** what the database says about the orders' payments: crypto ledger and Medusa's payments and captures */
export async function paymentTotals(cluster: Cluster, sessionIds: string[]) {
  const [ledger] = await cluster.rows<{ payments: string; paid: string; deposits: string; credits: string; credited: string | null; duplicate_credits: string }>(
    `SELECT count(*) AS payments,
            count(*) FILTER (WHERE p.status = 'paid') AS paid,
            (SELECT count(*) FROM waas_deposit d WHERE d.crypto_payment_id = ANY(array_agg(p.id))) AS deposits,
            (SELECT count(*) FROM waas_deposit_credit c WHERE c.entry = 'credit' AND c.crypto_payment_id = ANY(array_agg(p.id))) AS credits,
            (SELECT sum(c.amount::numeric)::text FROM waas_deposit_credit c WHERE c.entry = 'credit' AND c.crypto_payment_id = ANY(array_agg(p.id))) AS credited,
            (SELECT count(*) FROM (SELECT waas_deposit_id FROM waas_deposit_credit GROUP BY waas_deposit_id, entry HAVING count(*) > 1) x) AS duplicate_credits
       FROM waas_crypto_payment p WHERE p.payment_session_id = ANY($1)`,
    [sessionIds],
  )
  const [medusa] = await cluster.rows<{ payments: string; captured: string; captures: string; captured_total: string | null; collections_with_two: string }>(
    `SELECT count(DISTINCT pay.id) AS payments,
            count(DISTINCT pay.id) FILTER (WHERE pay.captured_at IS NOT NULL) AS captured,
            (SELECT count(*) FROM capture c WHERE c.payment_id = ANY(array_agg(pay.id)) AND c.deleted_at IS NULL) AS captures,
            (SELECT sum(c.amount)::text FROM capture c WHERE c.payment_id = ANY(array_agg(pay.id)) AND c.deleted_at IS NULL) AS captured_total,
            (SELECT count(*) FROM (SELECT payment_collection_id FROM payment WHERE deleted_at IS NULL GROUP BY payment_collection_id HAVING count(*) > 1) x) AS collections_with_two
       FROM payment_session s JOIN payment pay ON pay.payment_session_id = s.id AND pay.deleted_at IS NULL
      WHERE s.id = ANY($1)`,
    [sessionIds],
  )
  // numeric sums keep trailing zeros ("700.010020"); compare amounts as decimals
  const exact = (v: string | null) => (v === null ? null : new Decimal(v).toFixed())
  return { ledger: { ...ledger, credited: exact(ledger.credited) }, medusa: { ...medusa, captured_total: exact(medusa.captured_total) } }
}
