import type { BigNumberInput } from "@medusajs/framework/types"
import { BigNumber } from "@medusajs/framework/utils"

/**
 * A value for a `model.bigNumber()` column. The generated service types such a column as `number`, but the
 * ORM setter accepts any BigNumberInput and keeps the exact value in the `raw_<column>` jsonb; passing a JS
 * number would round the fiat amount before it is stored. This is the one place that bridges the two.
 */
export function bigNumberColumn(value: BigNumberInput): number {
  return new BigNumber(value) as unknown as number
}
