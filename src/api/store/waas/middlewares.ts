import { validateAndTransformQuery, type MiddlewareRoute } from "@medusajs/framework/http"
import { StoreListWaasCoinsParams } from "./validators"

/** Query validation for the storefront routes; the publishable-key check is Medusa's own for /store. */
export const storeWaasMiddlewares: MiddlewareRoute[] = [
  {
    method: ["GET"],
    matcher: "/store/waas/coins",
    middlewares: [validateAndTransformQuery(StoreListWaasCoinsParams, {})],
  },
]
