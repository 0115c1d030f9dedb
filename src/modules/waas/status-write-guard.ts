import { MedusaError } from "@medusajs/framework/utils"

/**
 * Columns the generated CRUD may not write: statuses (they change only through the lifecycle methods,
 * which check the state-machine tables) and, for crypto payments, the figures derived from the deposit
 * ledger (amount_received is the sum of the credit rows, never a number someone sets).
 */
export interface GuardedField {
  field: string
  why: string
}

export const STATUS_FIELD: GuardedField = {
  field: "status",
  why: "changes only through the waas module's lifecycle methods, which enforce its state machine",
}

export const LEDGER_FIELDS: GuardedField[] = ["amount_received", "amount_pending", "amount_excess", "medusa_captured_at"].map(
  (field) => ({ field, why: "is derived from the deposit ledger and changes only when a deposit is applied" }),
)

/** Set by checkout alone: they decide which payment a cart's address, and a transfer to it, belongs to. */
export const CART_FIELDS: GuardedField[] = ["payment_collection_id", "address_handed_over_to"].map((field) => ({
  field,
  why: "is set by checkout when a payment is created or hands the cart's address over",
}))

/**
 * Wraps a generated update method so that any guarded field in its input (plain, array or selector form)
 * is refused with NOT_ALLOWED; every other column passes through unchanged.
 */
export function guardStatusWrites<F extends (data: never, ...rest: never[]) => unknown>(
  entity: string,
  update: F,
  fields: GuardedField[] = [STATUS_FIELD],
): F {
  const guarded = async (data: unknown, ...rest: unknown[]) => {
    const items = Array.isArray(data) ? data : [data]
    for (const item of items) {
      const payload = isRecord(item) && "selector" in item && "data" in item ? item.data : item
      for (const row of Array.isArray(payload) ? payload : [payload]) {
        if (!isRecord(row)) continue
        const hit = fields.find((f) => f.field in row)
        if (hit) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `${entity} ${hit.field} ${hit.why}`)
      }
    }
    return (update as unknown as (...args: unknown[]) => Promise<unknown>)(data, ...rest)
  }
  return guarded as unknown as F
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object"
}

/**
 * The deposit ledger is append-only and written by one path (deposits/ledger-sql.ts: a unique key, row locks,
 * amounts recomputed from the rows). The generated CRUD for it would bypass all three, so it is refused.
 */
export const LEDGER_METHODS = [
  "createDepositCredits",
  "updateDepositCredits",
  "deleteDepositCredits",
  "softDeleteDepositCredits",
  "restoreDepositCredits",
  "createDeposits",
  "deleteDeposits",
  "softDeleteDeposits",
  "restoreDeposits",
] as const

export function refuseLedgerMethod(method: string): () => Promise<never> {
  return async () => {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `${method} is not available: the deposit ledger is append-only and changes only when a deposit is applied`,
    )
  }
}

type GuardedUpdate = "updateCryptoPayments" | "updatePoolAddresses" | "updateWaasAccounts"

/**
 * Puts the guards on a module service instance: statuses change only through the lifecycle methods (which
 * check the state-machine tables), a payment's amounts are the ledger's, and the ledger's own CRUD is
 * refused. Returns the unguarded crypto-payment update, for the lifecycle methods alone. (The generated
 * members are typed read-only, hence defineProperty on the instance.)
 */
export function installCrudGuards<S extends Record<GuardedUpdate, (...args: never[]) => unknown>>(
  service: S,
): S["updateCryptoPayments"] {
  const unguarded = service.updateCryptoPayments.bind(service) as S["updateCryptoPayments"]
  const guard = (key: GuardedUpdate, entity: string, fields: GuardedField[] = [STATUS_FIELD]) =>
    Object.defineProperty(service, key, { value: guardStatusWrites(entity, service[key].bind(service), fields) })
  guard("updateCryptoPayments", "crypto payment", [STATUS_FIELD, ...LEDGER_FIELDS, ...CART_FIELDS])
  guard("updatePoolAddresses", "pool address")
  guard("updateWaasAccounts", "waas account")
  for (const method of LEDGER_METHODS) Object.defineProperty(service, method, { value: refuseLedgerMethod(method) })
  return unguarded
}
