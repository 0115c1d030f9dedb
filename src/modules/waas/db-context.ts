import type { Knex, SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import type { Context } from "@medusajs/framework/types"

/** The knex transaction of a context from @InjectTransactionManager. */
export function transactionOf(sharedContext: Context): Knex.Transaction {
  const manager = sharedContext.transactionManager as SqlEntityManager | undefined
  const trx = manager?.getTransactionContext()
  if (!trx) throw new Error("medusa-plugin-waas: expected to run inside a transaction")
  return trx as Knex.Transaction
}

/** A knex for raw SQL: the context's transaction when there is one, else its manager's connection. */
export function knexOf(sharedContext: Context): Knex {
  const manager = (sharedContext.transactionManager ?? sharedContext.manager) as SqlEntityManager | undefined
  if (!manager) throw new Error("medusa-plugin-waas: expected an entity manager in the context")
  return (manager.getTransactionContext() as Knex | undefined) ?? manager.getKnex()
}

/**
 * Holds a transaction-scoped advisory lock for the duration of `fn`. The lock's transaction does no other
 * work; `fn` writes through its own connections so its progress commits step by step.
 */
export async function withAdvisoryLock<T>(
  db: Knex,
  key: string,
  fn: () => Promise<T>,
): Promise<{ acquired: true; value: T } | { acquired: false }> {
  let outcome: { acquired: true; value: T } | { acquired: false } = { acquired: false }
  await db.transaction(async (trx) => {
    const lock = await trx.raw<{ rows: Array<{ ok: boolean }> }>("SELECT pg_try_advisory_xact_lock(hashtext(?)) AS ok", [key])
    if (!lock.rows[0]?.ok) return
    outcome = { acquired: true, value: await fn() }
  })
  return outcome
}
