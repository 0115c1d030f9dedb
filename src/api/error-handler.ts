import { errorHandler, type MedusaErrorHandlerFunction } from "@medusajs/framework/http"
import type { Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { NO_DEPOSIT_ADDRESS_CODE } from "../modules/waas/errors"

/** how long a storefront should wait before trying again: the live-fetch budget is per minute */
export const NO_ADDRESS_RETRY_AFTER_SECONDS = 60

/**
 * The error of "no deposit address available right now" (NoDepositAddressError), in whatever form it
 * reaches the handler: the error object itself from a direct call, or the plain copy Medusa's workflow
 * engine makes of a step's error (serializeError keeps name, message and code, not the class). Matched by
 * its code and name, never by class or message.
 */
export function isNoDepositAddressError(err: unknown): err is { message: string; code: string } {
  if (err === null || typeof err !== "object") return false
  const e = err as Record<string, unknown>
  return e.code === NO_DEPOSIT_ADDRESS_CODE && e.name === "NoDepositAddressError" && typeof e.message === "string"
}

/**
 * The plugin's error handler for the whole HTTP app (Medusa keeps one: the last `errorHandler` found in a
 * middlewares file, the store's own winning over a plugin's). "No deposit address available right now" is
 * transient (the pool is empty and the WaaS failed or the live-fetch budget is spent), so it answers
 * 503 Service Unavailable with the cause and a Retry-After, where Medusa's default would say 500 (it maps
 * no error type to 503). Every other error goes to Medusa's default handler untouched.
 *
 * A store that defines its own errorHandler replaces this one; it can delegate to it:
 *   import { waasErrorHandler } from "medusa-plugin-waas/api/error-handler"
 */
export function waasErrorHandler(): MedusaErrorHandlerFunction {
  const medusaDefault = errorHandler()
  return (err, req, res, next) => {
    if (!isNoDepositAddressError(err)) return medusaDefault(err, req, res, next)
    // the module has logged the cause already (pool ran dry, budget spent, WaaS failure): one line here
    req.scope?.resolve<Logger>(ContainerRegistrationKeys.LOGGER).info(`medusa-plugin-waas: 503 at ${req.path}: ${err.message}`)
    res.setHeader("Retry-After", String(NO_ADDRESS_RETRY_AFTER_SECONDS))
    res.status(503).json({ type: "unexpected_state", code: err.code, message: err.message })
  }
}
