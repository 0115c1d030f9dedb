import { defineMiddlewares } from "@medusajs/framework/http"
import { waasErrorHandler } from "./error-handler"
import { hooksWaasMiddlewares } from "./hooks/waas/middlewares"
import { paymentPageMiddlewares } from "./payment-page/middlewares"
import { storeWaasMiddlewares } from "./store/waas/middlewares"
import { storeWaasRefundMiddlewares } from "./store/waas/refunds/middlewares"

/**
 * The root file only gathers the per-folder `middlewares.ts` arrays (the loyalty plugin's layout),
 * so each route folder owns its validation and nobody edits someone else's entries. The admin routes
 * under /admin/waas validate their own input with zod (admin authentication is Medusa's, automatic).
 * The hosted payment page (payment-page/) is a global middleware because its path is an option.
 * The error handler answers 503 for "no deposit address available right now" and leaves every other
 * error to Medusa's default (error-handler.ts).
 */
export default defineMiddlewares({
  routes: [...storeWaasMiddlewares, ...storeWaasRefundMiddlewares, ...hooksWaasMiddlewares, ...paymentPageMiddlewares],
  errorHandler: waasErrorHandler(),
})
