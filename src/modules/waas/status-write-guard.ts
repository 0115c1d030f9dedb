import { MedusaError } from "@medusajs/framework/utils"

/**
 * Wraps a generated update method so that any `status` in its input (plain, array or selector form) is
 * refused with NOT_ALLOWED; every other column passes through unchanged.
 */
export function guardStatusWrites<F extends (data: never, ...rest: never[]) => unknown>(entity: string, update: F): F {
  const guarded = async (data: unknown, ...rest: unknown[]) => {
    const items = Array.isArray(data) ? data : [data]
    for (const item of items) {
      const payload = isRecord(item) && "selector" in item && "data" in item ? item.data : item
      for (const row of Array.isArray(payload) ? payload : [payload]) {
        if (isRecord(row) && "status" in row) {
          throw new MedusaError(
            MedusaError.Types.NOT_ALLOWED,
            `${entity} status changes only through the waas module's lifecycle methods, which enforce its state machine`,
          )
        }
      }
    }
    return (update as unknown as (...args: unknown[]) => Promise<unknown>)(data, ...rest)
  }
  return guarded as unknown as F
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object"
}
