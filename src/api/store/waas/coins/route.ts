import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { BigNumber, ContainerRegistrationKeys, MathBN, MedusaError } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { WAAS_MODULE } from "../../../../modules/waas"
import { RateUnavailableError } from "../../../../modules/waas/errors"
import type WaasModuleService from "../../../../modules/waas/service"
import type { QuoteInput } from "../../../../modules/waas/service"
import type { StoreListWaasCoinsParamsType } from "../validators"

type FiatAmount = Pick<QuoteInput, "amount" | "currency_code">

/**
 * `GET /store/waas/coins[?cart_id=… | ?amount=…&currency_code=…]`: the coins a storefront can
 * offer, each with an indicative crypto amount when a fiat amount is known. It is indicative only:
 * the binding quote is made when the payment session is created. One coin without a price must
 * not hide the others, so each quote fails on its own and says why in `quote_error`.
 */
export async function GET(
  req: MedusaRequest<unknown, StoreListWaasCoinsParamsType>,
  res: MedusaResponse
): Promise<void> {
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  const fiat = await resolveFiatAmount(req)
  const coins = waas.listEnabledCoins()

  const quotes = fiat
    ? await Promise.allSettled(coins.map((coin) => waas.quote({ ...fiat, symbol: coin.symbol })))
    : []

  res.json({
    coins: coins.map((coin, i) => {
      const listed = {
        symbol: coin.symbol,
        display_name: coin.displayName,
        network: coin.network,
        decimals: coin.decimals,
      }
      const quote = quotes[i]
      if (!quote) return listed
      if (quote.status === "fulfilled") {
        return {
          ...listed,
          indicative_amount: quote.value.amount_due,
          rate: quote.value.rate,
          rate_at: quote.value.rate_at,
        }
      }
      return { ...listed, quote_error: describeQuoteFailure(req, coin.symbol, quote.reason) }
    }),
  })
}

const CartTotal = z.object({
  id: z.string(),
  currency_code: z.string(),
  // Query computes totals as Medusa BigNumbers; the module's quote takes them as they are
  total: z.union([z.instanceof(BigNumber), z.string(), z.number()]),
})

async function resolveFiatAmount(
  req: MedusaRequest<unknown, StoreListWaasCoinsParamsType>
): Promise<FiatAmount | null> {
  const { cart_id, amount, currency_code } = req.validatedQuery
  if (amount && currency_code) return { amount, currency_code }
  if (!cart_id) return null

  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "cart",
    fields: ["id", "total", "currency_code"],
    filters: { id: cart_id },
  })
  if (!data.length) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Cart ${cart_id} was not found`)
  }
  const cart = CartTotal.parse(data[0])
  // an empty cart has nothing to quote: list the coins alone rather than a failure per coin
  if (MathBN.lte(cart.total, 0)) return null
  return { amount: cart.total, currency_code: cart.currency_code }
}

/**
 * A missing or stale price is the module's RateUnavailableError, whose message is written for
 * people and names no secret. Anything else is unexpected: log it, tell the shopper little.
 */
function describeQuoteFailure(req: MedusaRequest, symbol: string, reason: unknown): string {
  if (reason instanceof RateUnavailableError) return reason.message
  const logger = req.scope.resolve(ContainerRegistrationKeys.LOGGER)
  logger.warn(
    `waas: indicative quote for ${symbol} failed: ${reason instanceof Error ? reason.message : String(reason)}`
  )
  return `no indicative amount for ${symbol} right now`
}
