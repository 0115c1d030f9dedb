import type { Context } from "@medusajs/framework/types"
import type { ModuleDeps, PaymentRows } from "../module-context"
import type { CryptoPaymentDTO } from "../types"
import type { CryptoPaymentStatus } from "./payment-states"

export interface PaymentSearchInput {
  status?: CryptoPaymentStatus[]
  symbol?: string
  /** created at or after */
  created_from?: Date
  /** created before */
  created_to?: Date
  /**
   * free text: a payment or order id, or (from MIN_PARTIAL characters) part of a deposit address or of a deposit's
   * txid, case-insensitive; order numbers are resolved to order ids by the caller (Medusa owns them) and passed in
   * order_ids, and a text starting with "#" matches those only
   */
  q?: string
  order_ids?: string[]
  limit: number
  offset: number
}

/** the shortest text searched inside addresses and txids */
export const MIN_PARTIAL = 6

/** `%` and `_` are LIKE wildcards: a pasted address or txid must match literally */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * The admin's list of crypto payments, newest first, with filters and search. One statement chooses the
 * page's ids (and the total); the rows themselves come from the generated CRUD, so they read exactly as
 * every other admin view of a payment.
 */
export class PaymentSearch {
  constructor(
    private readonly deps: ModuleDeps,
    private readonly rows: PaymentRows,
  ) {}

  async search(input: PaymentSearchInput, sharedContext: Context = {}): Promise<{ payments: CryptoPaymentDTO[]; count: number }> {
    const where: string[] = ["p.deleted_at IS NULL"]
    const b: Record<string, unknown> = { limit: input.limit, offset: input.offset }
    if (input.status?.length) {
      where.push("p.status = ANY(:status)")
      b.status = input.status
    }
    if (input.symbol) {
      where.push("p.symbol = :symbol")
      b.symbol = input.symbol
    }
    if (input.created_from) {
      where.push("p.created_at >= :from")
      b.from = input.created_from
    }
    if (input.created_to) {
      where.push("p.created_at < :to")
      b.to = input.created_to
    }
    if (input.q) {
      b.q = input.q
      b.like = `%${likeLiteral(input.q)}%`
      b.orders = input.order_ids ?? []
      // "#1001" names an order number and nothing else; part of an address or txid needs a few characters, or
      // a short number ("7") would match every address with a 7 in it
      const orders = "p.order_id = ANY(:orders)"
      const text = `p.address ILIKE :like OR EXISTS (SELECT 1 FROM waas_deposit d WHERE d.crypto_payment_id = p.id AND d.deleted_at IS NULL AND d.txid ILIKE :like)`
      if (input.q.startsWith("#")) where.push(`(${orders})`)
      else if (input.q.length < MIN_PARTIAL) where.push(`(p.id = :q OR p.order_id = :q OR ${orders})`)
      else where.push(`(p.id = :q OR p.order_id = :q OR ${orders} OR ${text})`)
    }
    const found = await this.deps.db.read(
      (db) =>
        db.raw<{ rows: Array<{ id: string; total: string }> }>(
          `SELECT p.id, count(*) OVER () AS total FROM waas_crypto_payment p
            WHERE ${where.join(" AND ")} ORDER BY p.created_at DESC, p.id DESC LIMIT :limit OFFSET :offset`,
          b,
        ),
      sharedContext,
    )
    const ids = found.rows.map((r) => r.id)
    let count = found.rows.length ? Number(found.rows[0].total) : 0
    if (!ids.length && input.offset > 0) count = await this.count(where, b, sharedContext)
    if (!ids.length) return { payments: [], count }
    const rows = await this.rows.list({ id: ids }, ids.length, sharedContext)
    const byId = new Map(rows.map((r) => [r.id, r]))
    return { payments: ids.map((id) => byId.get(id)).filter((p): p is CryptoPaymentDTO => p !== undefined), count }
  }

  private async count(where: string[], b: Record<string, unknown>, sharedContext: Context): Promise<number> {
    const r = await this.deps.db.read(
      (db) => db.raw<{ rows: Array<{ n: string }> }>(`SELECT count(*) AS n FROM waas_crypto_payment p WHERE ${where.join(" AND ")}`, b),
      sharedContext,
    )
    return Number(r.rows[0].n)
  }
}
