import type { Knex } from "@medusajs/framework/mikro-orm/knex"

/**
 * Server-side prepared statements for the hot paths (issue 11). Planning the one-statement claim costs Postgres
 * about 1 ms each time (three index-range CTEs, an UPDATE and an INSERT), as long as executing it; the statements
 * of a deposit's credit (inbox lease and completion, the ledger's locks, reads and writes, the capture's reads)
 * cost about 2 ms of planning per deposit together. A named statement is parsed once per connection and, after a
 * few runs, planned from Postgres's plan cache. The name travels as node-postgres's query `name` (knex passes a
 * raw query's options through).
 *
 * Rules for a statement given a name here:
 *   - its text never varies (no binding that knex expands into a list): node-postgres refuses a name reused
 *     for another text;
 *   - it names its result columns (no `*` over a table): Postgres refuses to run a prepared statement whose
 *     result type changed, so a migration adding a column would break every instance still running;
 *   - the name is versioned with the text (`_v1`): a changed statement gets a new name.
 *
 * The `dbPreparedStatements` option turns names off for a database behind a pooler that cannot keep prepared
 * statements (PgBouncer before 1.21 in transaction mode): the statements then run unnamed, planned each time.
 */
let named = true

/** the module applies its `dbPreparedStatements` option here when it is built */
export function usePreparedStatements(on: boolean): void {
  named = on
}

export function preparedRaw<TResult>(db: Knex, name: string, sql: string, bindings: Knex.RawBinding[] | Knex.ValueDict): Knex.Raw<TResult> {
  const raw = db.raw<TResult>(sql, bindings)
  return named ? raw.options({ name: `waas_${name}` }) : raw
}
