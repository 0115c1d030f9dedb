import { knex } from "@medusajs/framework/mikro-orm/knex"
import { preparedRaw, usePreparedStatements } from "../prepared-sql"

describe("preparedRaw: the hot statements as named, server-side prepared statements", () => {
  const db = knex({ client: "pg" })
  afterEach(() => usePreparedStatements(true))
  afterAll(() => db.destroy())

  it("gives the statement its waas_ name, which node-postgres receives as the query's name", () => {
    const sql = preparedRaw(db, "claim_payment_v1", "SELECT CAST(:a AS int) AS a, CAST(:b AS text) AS b", { a: 1, b: "x" }).toSQL()
    expect(sql.options).toEqual({ name: "waas_claim_payment_v1" })
    // what node-postgres is sent as the statement's text and values
    expect(sql.toNative()).toEqual({ sql: "SELECT CAST($1 AS int) AS a, CAST($2 AS text) AS b", bindings: [1, "x"] })
  })

  it("keeps one text for one name whatever the values (node-postgres refuses a name reused for another text)", () => {
    const a = preparedRaw(db, "n", "SELECT CAST(:x AS text), CAST(:y AS int)", { x: "one", y: 1 }).toSQL()
    const b = preparedRaw(db, "n", "SELECT CAST(:x AS text), CAST(:y AS int)", { x: null, y: 99 }).toSQL()
    expect(b.toNative().sql).toBe(a.toNative().sql)
  })

  it("runs the statement unnamed when the dbPreparedStatements option is false (a pooler that cannot keep them)", () => {
    usePreparedStatements(false)
    const sql = preparedRaw(db, "claim_payment_v1", "SELECT CAST(:a AS int)", { a: 1 }).toSQL()
    expect(sql.options ?? {}).toEqual({})
  })
})
