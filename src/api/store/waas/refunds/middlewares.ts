import { authenticate, type MiddlewareRoute } from "@medusajs/framework/http"

/**
 * The refund-address route reads the customer when one is logged in, and also serves a shopper holding
 * the one-time link's token; its raw body is not needed.
 */
export const storeWaasRefundMiddlewares: MiddlewareRoute[] = [
  {
    method: ["POST"],
    matcher: "/store/waas/refunds/:id/address",
    middlewares: [authenticate("customer", ["session", "bearer"], { allowUnauthenticated: true })],
  },
]
