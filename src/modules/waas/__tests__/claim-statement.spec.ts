import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import type { Knex, SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import { WAAS_MODULE } from ".."
import { PAYMENT_ROW_COLUMNS } from "../checkout/claim-payment-sql"
import { pickAddressCtes } from "../pool/pick-address-sql"
import type WaasModuleService from "../service"
import { seedPool } from "./support/seed"
import { testOptions } from "./support/fixtures"
import { recordingLogger } from "./support/logger"

jest.setTimeout(60_000)

const log = recordingLogger()

/**
 * The claim as one statement (checkout/claim-payment-sql.ts): what it returns is what the generated CRUD
 * reads back, it takes addresses in the pool's order, reads that order from the partial index instead of
 * sorting the pool, and the module's joiner config is built once.
 */
moduleIntegrationTestRunner<WaasModuleService>({
  injectedDependencies: { logger: log.logger },
  moduleName: WAAS_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleOptions: testOptions() as unknown as Record<string, unknown>,
  testSuite: ({ service, MikroOrmWrapper }) => {
    const knex = () => (MikroOrmWrapper.forkManager() as SqlEntityManager).getKnex()

    it("returns the payment exactly as the generated CRUD reads it back: a cart's first session, a plain session, a takeover", async () => {
      await seedPool(service, "USDTERC20", 4)
      const first = await service.createPaymentForSession({
        session_id: "payses_row1",
        payment_collection_id: "paycol_row",
        amount: "25.10",
        currency_code: "USD",
      })
      expect(first).toEqual(await service.retrieveCryptoPayment(first.id))
      expect(first).toEqual(await service.retrievePaymentBySession("payses_row1"))
      expect(first).toMatchObject({ fiat_amount: 25.1, raw_fiat_amount: { value: "25.1", precision: 20 }, currency_code: "usd" })

      const plain = await service.createPaymentForSession({ session_id: "payses_row2", amount: "7", currency_code: "usd", symbol: "USDTERC20" })
      expect(plain).toEqual(await service.retrieveCryptoPayment(plain.id))
      expect(plain.address).not.toBe(first.address)

      // a second session of the same cart takes the first one's address over (the takeover path)
      const second = await service.createPaymentForSession({
        session_id: "payses_row3",
        payment_collection_id: "paycol_row",
        amount: "30.000",
        currency_code: "usd",
      })
      expect(second.address).toBe(first.address)
      expect(second).toEqual(await service.retrieveCryptoPayment(second.id))
      expect(second.raw_fiat_amount).toEqual({ value: "30", precision: 20 })
      expect(second.address_assigned_at).toEqual(first.address_assigned_at)

      // the idempotent repeat returns the stored row, not a new one
      expect(await service.createPaymentForSession({ session_id: "payses_row2", amount: "7", currency_code: "usd" })).toEqual(plain)
      expect(await service.listCryptoPayments({})).toHaveLength(3)
    })

    it("takes addresses in the pool's order: reserved for this session, then never held (oldest first), then released longest ago; never another session's reservation", async () => {
      const addresses = await seedPool(service, "ETH", 6, "order")
      const rows = await service.listPoolAddresses({ symbol: "ETH" }, { take: 10 })
      const id = (address: string) => rows.find((r) => r.address === address)!.id
      const [a0, a1, a2, a3, a4, a5] = addresses
      const now = Date.now()
      const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000)
      const set = (address: string, fields: Record<string, unknown>) => knex()("waas_pool_address").where({ id: id(address) }).update(fields)
      // a0, a1: released (a1 longest ago); a2, a3: never held (a3 created first); a4: reserved for another
      // session; a5: reserved for payses_me, and released (its reservation still comes first)
      await set(a0, { released_at: at(10), cooling_until: at(5) })
      await set(a1, { released_at: at(60) })
      await set(a2, { created_at: at(1) })
      await set(a3, { created_at: at(2) })
      await set(a4, { reserved_for: "payses_other", reserved_until: new Date(now + 60_000), created_at: at(30) })
      await set(a5, { reserved_for: "payses_me", reserved_until: new Date(now + 60_000), released_at: at(1) })

      const claim = (session_id: string) => service.createPaymentForSession({ session_id, amount: 1, currency_code: "usd", symbol: "ETH" })
      const taken = [await claim("payses_me"), await claim("payses_n1"), await claim("payses_n2"), await claim("payses_n3"), await claim("payses_n4")]
      expect(taken.map((p) => p.address)).toEqual([a5, a3, a2, a1, a0])
      // free_since: when the address last became free (its quarantine's end, else its release); null when never held
      expect(taken.map((p) => p.address_free_since && new Date(p.address_free_since).getTime())).toEqual([
        at(1).getTime(),
        null,
        null,
        at(60).getTime(),
        at(5).getTime(),
      ])
      // only another session's reservation is left
      await expect(claim("payses_n5")).rejects.toThrow()
      expect((await service.listPoolAddresses({ id: id(a4) }))[0]).toMatchObject({ status: "available", reserved_for: "payses_other" })
    })

    it("reads the claim order from the partial index: no sort of the pool, whatever its size", async () => {
      await knex().raw(
        `INSERT INTO waas_account (id, email, symbol, uid, status)
           SELECT 'wacc_plan' || g, 'plan-' || g || '@waas-pool.invalid', 'BTC', (800000000 + g)::text, 'provisioned'
             FROM generate_series(1, 5000) g`,
      )
      await knex().raw(
        `INSERT INTO waas_pool_address (id, symbol, address, uid, account_id, status, released_at)
           SELECT 'wpaddr_plan' || g, 'BTC', 'bc1qplan' || g, (800000000 + g)::text, 'wacc_plan' || g, 'available',
                  CASE WHEN g % 2 = 0 THEN now() - g * interval '1 second' END
             FROM generate_series(1, 5000) g`,
      )
      await knex().raw("ANALYZE waas_pool_address")
      const plan = await knex().raw(`EXPLAIN (FORMAT JSON) WITH ${pickAddressCtes("waas_pool_address")} SELECT * FROM picked`, {
        symbol: "BTC",
        now: new Date(),
        sessionId: "payses_plan",
      })
      // the parts that read the pool in its order: an index range, in order, no sort and no full scan
      type PlanNode = { "Node Type": string; "Subplan Name"?: string; "Index Name"?: string; Plans?: PlanNode[] }
      const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)]
      const all = nodes(plan.rows[0]["QUERY PLAN"][0].Plan as PlanNode)
      for (const part of ["CTE pick_never_held", "CTE pick_released"]) {
        const inside = nodes(all.find((n) => n["Subplan Name"] === part)!)
        // an InitPlan inside is the one-time check of the parts before it
        const own = inside.filter((n) => !n["Subplan Name"] || n["Subplan Name"] === part)
        expect(own.map((n) => n["Node Type"])).not.toContain("Sort")
        expect(own.map((n) => n["Node Type"])).not.toContain("Seq Scan")
        expect(own.filter((n) => n["Node Type"] === "Index Scan").map((n) => n["Index Name"])).toEqual(["IDX_waas_pool_address_claim_order"])
      }
      // an address fetched live for the session is found by its own index
      const reserved = nodes(all.find((n) => n["Subplan Name"] === "CTE pick_reserved")!)
      expect(reserved.map((n) => n["Index Name"]).filter(Boolean)).toEqual(["IDX_waas_pool_address_reserved_for"])
    })

    it("runs as a named prepared statement, and its column list is every column of the payment table", async () => {
      await seedPool(service, "USDTERC20", 2, "prep")
      const em = MikroOrmWrapper.forkManager() as SqlEntityManager
      await em.transactional(async (tem) => {
        // inside the caller's transaction the claim runs on that connection: its prepared statements are visible there
        const p = await service.createPaymentForSession(
          { session_id: "payses_prep", amount: "5", currency_code: "usd", symbol: "USDTERC20" },
          { transactionManager: tem },
        )
        const trx = tem.getTransactionContext() as Knex
        const prepared = await trx.raw(`SELECT name, from_sql FROM pg_prepared_statements WHERE name LIKE 'waas%'`)
        expect(prepared.rows).toEqual([{ name: "waas_claim_payment_v2", from_sql: false }])
        // the same statement again on the same connection: the idempotent repeat returns the stored payment
        const again = await service.createPaymentForSession(
          { session_id: "payses_prep", amount: "5", currency_code: "usd", symbol: "USDTERC20" },
          { transactionManager: tem },
        )
        expect(again).toEqual(p)
      })
      // the session's payment read (also a prepared statement, over the same column list) equals the ORM's read
      const bySession = await service.retrievePaymentBySession("payses_prep")
      expect(bySession).toEqual(await service.retrieveCryptoPayment(bySession!.id))
      // a prepared statement must not select * from a table (a migration adding a column would break it on
      // every running instance): the list it names instead must be the table's columns, all of them
      const columns = await knex().raw(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'waas_crypto_payment'`,
      )
      const named = PAYMENT_ROW_COLUMNS.split(",").map((c) => c.trim())
      expect([...named].sort()).toEqual(columns.rows.map((r: { column_name: string }) => r.column_name).sort())
      expect(new Set(named).size).toBe(named.length)
    })

    it("builds its joiner config once, with the models' linkable keys", () => {
      // Medusa's loader wraps it in a shallow copy per call: the parsed parts are the one memoised build
      const config = service.__joinerConfig()
      expect(service.__joinerConfig().alias).toBe(config.alias)
      expect(service.__joinerConfig().linkableKeys).toBe(config.linkableKeys)
      expect(config.serviceName).toBe("waas")
      expect(config.linkableKeys).toMatchObject({ crypto_payment_id: "CryptoPayment", pool_address_id: "PoolAddress" })
      // Module() completes the memoised object once (on a config rebuilt per call it was lost)
      expect(config.idPrefixToEntityName).toMatchObject({ wcpay: "CryptoPayment", wpaddr: "PoolAddress" })
    })
  },
})
