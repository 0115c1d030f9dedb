import type { MiddlewareRoute } from "@medusajs/framework/http"

/**
 * The WaaS callbacks need the form body exactly as it arrived (req.rawBody): the route reads `data` from
 * it rather than from a parsed body, so no parser quirk can change what was verified.
 */
export const hooksWaasMiddlewares: MiddlewareRoute[] = [
  {
    method: ["POST"],
    matcher: "/hooks/waas/notify",
    bodyParser: { preserveRawBody: true },
  },
  {
    method: ["POST"],
    matcher: "/hooks/waas/withdraw-confirm",
    bodyParser: { preserveRawBody: true },
  },
]
