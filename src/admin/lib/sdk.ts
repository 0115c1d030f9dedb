import Medusa from "@medusajs/js-sdk"

/**
 * The admin SDK, as Medusa's own dashboard builds it. __BACKEND_URL__ and __AUTH_TYPE__ are injected by the
 * store's admin bundler at the store's build (vite-env.d.ts); "/" is the dashboard's own origin.
 */
export const sdk = new Medusa({
  baseUrl: typeof __BACKEND_URL__ !== "undefined" && __BACKEND_URL__ ? __BACKEND_URL__ : "/",
  auth: { type: typeof __AUTH_TYPE__ !== "undefined" && __AUTH_TYPE__ ? __AUTH_TYPE__ : "session" },
})

type Query = Record<string, string | number | undefined>

function clean(query?: Query): Record<string, string | number> | undefined {
  if (!query) return undefined
  const out: Record<string, string | number> = {}
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") out[k] = v
  return out
}

/** GET one of the plugin's admin routes (`/admin/waas/...`). */
export function getWaas<T>(path: string, query?: Query): Promise<T> {
  return sdk.client.fetch<T>(`/admin/waas${path}`, { method: "GET", query: clean(query) })
}

/** POST to one of the plugin's admin routes; the API's message reaches the caller's toast on failure. */
export function postWaas<T>(path: string, body?: Record<string, unknown>): Promise<T> {
  return sdk.client.fetch<T>(`/admin/waas${path}`, { method: "POST", body: body ?? {} })
}

/** the message a failed call carries (Medusa's FetchError has the API's `message`) */
export function errorMessage(e: unknown): string {
  if (e instanceof Error && e.message) return e.message
  return "The request failed"
}
