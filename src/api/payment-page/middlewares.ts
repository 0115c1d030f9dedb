import type { MiddlewareRoute } from "@medusajs/framework/http"
import { servePaymentPage } from "./serve-payment-page"

/**
 * The hosted payment page answers under the `paymentPage.path` option, which a route file cannot follow;
 * this global middleware looks at every request's path (a prefix test) and hands all others on.
 */
export const paymentPageMiddlewares: MiddlewareRoute[] = [
  {
    matcher: "/",
    middlewares: [servePaymentPage],
  },
]
