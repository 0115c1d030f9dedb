/**
 * The order in which checkout takes a pool address, as CTEs that lock one row with FOR UPDATE SKIP LOCKED
 * (concurrent checkouts each lock a different row instead of queueing on, or both reading, the same one):
 *   1. an address fetched live for this session (`reserved_for`, until `reserved_until`);
 *   2. else one never held before (released_at NULL), oldest first;
 *   3. else the one released longest ago (a late transfer to a recently released address then has the
 *      least chance of meeting its next holder).
 * An address fetched live for another session is skipped until its reservation lapses. This is exactly
 * `ORDER BY (reserved for me) DESC, released_at ASC NULLS FIRST, created_at, id`, split in three so that each
 * part is an index range read in order: IDX_waas_pool_address_claim_order (symbol, released_at, created_at, id)
 * over available rows serves 2 and 3, IDX_waas_pool_address_reserved_for serves 1. One sort of the whole pool
 * per claim (41–62 ms at 20,000 available addresses) becomes a read of the first unlocked row, flat in the
 * pool's size. A part runs only when the parts before it found nothing (an uncorrelated EXISTS is a
 * one-time filter: its scan never starts, so it locks nothing). Part 2 orders by released_at too (NULL in all
 * its rows): the planner matches an ORDER BY to an index's columns only from the first unconstrained one.
 *
 * Bindings: :symbol, :now, :sessionId (null: no reservation is anyone's). `gate` is an SQL condition that
 * must hold for any part to run (e.g. "the session has no payment yet"). The result CTE is `picked`
 * (id, free_since): free_since, when the address last became free (the end of its last quarantine, or its
 * release straight to the pool), is read under the row lock, before the claim clears cooling_until.
 */
export function pickAddressCtes(table: string, gate = "true"): string {
  const freeSince = "CASE WHEN released_at IS NULL THEN NULL ELSE COALESCE(cooling_until, released_at) END AS free_since"
  const available = "symbol = :symbol AND status = 'available' AND deleted_at IS NULL"
  const notOthers = "(reserved_until IS NULL OR reserved_until <= :now OR reserved_for = :sessionId)"
  return `pick_reserved AS (
        SELECT id, ${freeSince} FROM ${table}
         WHERE (${gate}) AND reserved_for = :sessionId AND reserved_until > :now AND ${available}
         ORDER BY released_at ASC NULLS FIRST, created_at ASC, id ASC
         LIMIT 1 FOR UPDATE SKIP LOCKED),
     pick_never_held AS (
        SELECT id, ${freeSince} FROM ${table}
         WHERE (${gate}) AND NOT EXISTS (SELECT 1 FROM pick_reserved)
           AND ${available} AND released_at IS NULL AND ${notOthers}
         ORDER BY released_at ASC, created_at ASC, id ASC
         LIMIT 1 FOR UPDATE SKIP LOCKED),
     pick_released AS (
        SELECT id, ${freeSince} FROM ${table}
         WHERE (${gate}) AND NOT EXISTS (SELECT 1 FROM pick_reserved) AND NOT EXISTS (SELECT 1 FROM pick_never_held)
           AND ${available} AND released_at IS NOT NULL AND ${notOthers}
         ORDER BY released_at ASC, created_at ASC, id ASC
         LIMIT 1 FOR UPDATE SKIP LOCKED),
     picked AS (
        SELECT * FROM pick_reserved UNION ALL SELECT * FROM pick_never_held UNION ALL SELECT * FROM pick_released)`
}

/** The claim's UPDATE of the picked row, as a CTE `claimed` (bindings :paymentId, :now). */
export function claimPickedCte(table: string): string {
  return `claimed AS (
        UPDATE ${table} a
           SET status = 'assigned', crypto_payment_id = :paymentId, assigned_at = :now,
               cooling_until = NULL, reserved_for = NULL, reserved_until = NULL, updated_at = :now
          FROM picked
         WHERE a.id = picked.id
         RETURNING a.id, a.symbol, a.address, a.memo, a.uid, picked.free_since)`
}
